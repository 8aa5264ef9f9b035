import { Command } from 'commander';
import { VERSION } from '../version.ts';
import { registerBackupCommand } from './backup-command.ts';
import { registerCallsCommand } from './calls-command.ts';
import { registerDeliveriesCommand } from './deliveries-command.ts';
import { registerEndpointsCommand } from './endpoints-command.ts';
import { ENVIRONMENT_HELP } from './environment-help.ts';
import { registerEventsCommand } from './events-command.ts';
import { registerKeysCommand } from './keys-command.ts';
import { registerListenCommand } from './listen-command.ts';
import { exitQuietlyOnEpipe } from './quiet-epipe.ts';
import { registerReplayCommand } from './replay-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { registerSipCommand } from './sip-command.ts';
import { registerTriggerCommand } from './trigger-command.ts';

/** The `callhook` command line: each subcommand registers itself from its own file. */
export function buildProgram(): Command {
  const program = new Command('callhook')
    .description('callhook — call events for bots, as signed webhooks')
    .version(VERSION)
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true })
    .addHelpText('after', ENVIRONMENT_HELP);
  registerServeCommand(program);
  registerSimulateCommand(program);
  registerListenCommand(program);
  registerTriggerCommand(program);
  registerEndpointsCommand(program);
  registerCallsCommand(program);
  registerEventsCommand(program);
  registerKeysCommand(program);
  registerDeliveriesCommand(program);
  registerReplayCommand(program);
  registerBackupCommand(program);
  registerSipCommand(program);
  return program;
}

exitQuietlyOnEpipe();
await buildProgram().parseAsync(process.argv);
