import type { FromWorker, ToWorker } from './protocol';

/** A MessagePort dressed as a Worker, so a WorkerBridge can talk to a worker through a channel it was handed. */
export function portAsWorker(port: MessagePort) {
  return {
    set onmessage(handler: ((event: MessageEvent<FromWorker>) => void) | null) {
      port.onmessage = handler;
    },
    get onmessage() {
      return port.onmessage as ((event: MessageEvent<FromWorker>) => void) | null;
    },
    onerror: null as ((event: ErrorEvent) => void) | null,
    postMessage: (message: ToWorker, transfer: Transferable[] = []) => port.postMessage(message, transfer),
    terminate: () => port.close(),
  };
}

/** The scope serveWorker needs, over a port (the oracle worker serves the attacker's worker through one). */
export function portAsScope(port: MessagePort) {
  return {
    set onmessage(handler: ((event: MessageEvent<ToWorker>) => void) | null) {
      port.onmessage = handler;
    },
    get onmessage() {
      return port.onmessage as ((event: MessageEvent<ToWorker>) => void) | null;
    },
    postMessage: (message: FromWorker, transfer: Transferable[] = []) => port.postMessage(message, transfer),
  };
}

/** The message the page sends to hand a worker one end of a channel. */
export interface ConnectMessage {
  kind: 'connect';
  port: MessagePort;
}

export const isConnectMessage = (data: unknown): data is ConnectMessage =>
  typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'connect';

/**
 * Lets a served worker also accept channel ends (which must be transferred, outside the call protocol): call after
 * serveWorker; `onPort` gets each port the page hands over.
 */
export function acceptPorts(onPort: (port: MessagePort) => void, scope: { onmessage: ((event: MessageEvent) => void) | null } = globalThis as never): void {
  const serveCalls = scope.onmessage;
  scope.onmessage = (event) => (isConnectMessage(event.data) ? onPort(event.data.port) : serveCalls?.call(scope, event));
}
