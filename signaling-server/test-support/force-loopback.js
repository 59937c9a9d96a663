/**
 * Preload (`node --import`) for running y-webrtc's bundled bin/server.js in tests.
 * That server calls `server.listen(port)` with no host, i.e. on every interface, and has
 * no HOST option; tests may only use loopback, so bind 127.0.0.1 instead. Prints
 * `LISTENING <port>` so a test can use PORT=0 without guessing a free port.
 */
import net from 'node:net';

const listen = net.Server.prototype.listen;

/**
 * @this {net.Server}
 * @param {...unknown} args
 */
function listenOnLoopback(...args) {
	const [port, ...rest] = args;
	const callback = /** @type {(() => void) | undefined} */ (
		rest.find((arg) => typeof arg === 'function')
	);
	this.once('listening', () => {
		const address = /** @type {net.AddressInfo} */ (this.address());
		console.log(`LISTENING ${address.port}`);
	});
	if (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) {
		return Reflect.apply(listen, this, [Number(port), '127.0.0.1', callback]);
	}
	// Any other listen() form (options object, pipe path) is passed through untouched.
	return Reflect.apply(listen, this, args);
}

net.Server.prototype.listen = /** @type {typeof listen} */ (listenOnLoopback);
