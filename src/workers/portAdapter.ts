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
    postMessage: (message: ToWorker) => port.postMessage(message),
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
    postMessage: (message: FromWorker) => port.postMessage(message),
  };
}

/** The message the page sends to hand a worker one end of a channel. */
export interface ConnectMessage {
  kind: 'connect';
  port: MessagePort;
}

export const isConnectMessage = (data: unknown): data is ConnectMessage =>
  typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'connect';
