/**
 * Preload (`node --import`) for a signaling server measured by signaling.bench.js, ours or
 * y-webrtc's bin/server.js alike. Binds every `listen(port)` to 127.0.0.1 (y-webrtc's server
 * has no host option and would listen on every interface), reports the bound port over IPC,
 * and answers 'measure' with this process's memory after two full collections (run it with
 * --expose-gc).
 */
import net from 'node:net';

const listen = net.Server.prototype.listen;

/**
 * @this {net.Server}
 * @param {...unknown} args
 */
function listenOnLoopback(...args) {
	const [port, ...rest] = args;
	this.once('listening', () => {
		const address = /** @type {net.AddressInfo} */ (this.address());
		process.send?.({ port: address.port });
	});
	if (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) {
		const callback = rest.find((arg) => typeof arg === 'function');
		return Reflect.apply(listen, this, [Number(port), '127.0.0.1', callback]);
	}
	return Reflect.apply(listen, this, args);
}
net.Server.prototype.listen = /** @type {typeof listen} */ (listenOnLoopback);

process.on('message', (message) => {
	if (message !== 'measure') return;
	const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
	// Two passes: the first may only schedule finalizers.
	gc?.();
	gc?.();
	const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
	process.send?.({ memory: { rss, heapUsed, external, arrayBuffers } });
});
