import type { CallService } from '../../service/call-service.ts';
import type { CallStore } from '../../store/port.ts';
import type { ApiMetrics } from '../metrics.ts';

/** What the route plugins are given by `buildApp` (plugin options). */
export interface RouteDeps {
  service: CallService;
  store: CallStore;
  metrics: ApiMetrics;
}
