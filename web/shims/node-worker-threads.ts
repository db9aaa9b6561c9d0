/**
 * node:worker_threads for the browser build: the matrix-product kernels'
 * worker threads as Web Workers.
 *
 * The 'wasm' and 'js' backends start their helpers with
 * `new Worker(source, { eval: true, workerData })`, where `source` is plain
 * JavaScript that takes `parentPort` and `workerData` from
 * `require('node:worker_threads')`. Here the source runs in a Web Worker made
 * from a Blob, behind a short prelude that supplies that `require`; the
 * workerData (the WebAssembly module and its shared memory) arrives as the
 * first message. Only a cross-origin isolated page can share memory, and
 * node-os.ts reports one thread elsewhere, so these workers are only started
 * where they can work.
 */
type Listener = (value: never) => void;

const PRELUDE = `
const listeners = [];
const parentPort = {
  postMessage: (message) => self.postMessage(message),
  on: (event, listener) => { if (event === 'message') listeners.push(listener); },
};
self.onmessage = (first) => {
  self.onmessage = (event) => { for (const listener of listeners) listener(event.data); };
  const workerData = first.data;
  const require = (id) => {
    if (id === 'node:worker_threads' || id === 'worker_threads') return { parentPort, workerData, isMainThread: false };
    throw new Error(id + ' is not available in a browser worker');
  };
  (function () {
`;
const POSTLUDE = `
  })();
};
`;

export class Worker {
  private readonly worker: globalThis.Worker;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(source: string, options: { eval?: boolean; workerData?: unknown } = {}) {
    if (!options.eval) throw new Error('worker_threads in the browser: only { eval: true } workers are supported');
    const url = URL.createObjectURL(new Blob([PRELUDE, source, POSTLUDE], { type: 'text/javascript' }));
    this.worker = new globalThis.Worker(url);
    URL.revokeObjectURL(url);
    this.worker.onmessage = (event) => this.emit('message', event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.emit('error', new Error(event.message));
    };
    this.worker.postMessage(options.workerData ?? null);
  }

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  postMessage(message: unknown): void {
    this.worker.postMessage(message);
  }

  /** Web Workers never keep a page alive; nothing to do. */
  unref(): this {
    return this;
  }

  terminate(): Promise<number> {
    this.worker.terminate();
    this.emit('exit', 1);
    return Promise.resolve(1);
  }

  private emit(event: string, value: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (v: unknown) => void)(value);
  }
}
