import { Command } from 'commander';
import { VERSION } from '../version.ts';
import { registerDeliveriesCommand } from './deliveries-command.ts';
import { registerEndpointsCommand } from './endpoints-command.ts';
import { registerListenCommand } from './listen-command.ts';
import { registerReplayCommand } from './replay-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { registerTriggerCommand } from './trigger-command.ts';

/** The `callhook` command line: each subcommand registers itself from its own file. */
export function buildProgram(): Command {
  const program = new Command('callhook')
    .description('callhook — call events for bots, as signed webhooks')
    .version(VERSION)
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerServeCommand(program);
  registerSimulateCommand(program);
  registerListenCommand(program);
  registerTriggerCommand(program);
  registerEndpointsCommand(program);
  registerDeliveriesCommand(program);
  registerReplayCommand(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
