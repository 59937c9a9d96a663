/** What `--serve` lets one client hold (site-server.ts); apart, so help text needs no server. */
export type ServeLimits = {
	/** Connections open at once; past it a new one is closed as it arrives. */
	maxConnections: number;
	/** ms from a request's first byte to the end of its headers, else 408 and closed. */
	headersTimeoutMs: number;
	/** ms to receive a whole request (at least `headersTimeoutMs`). */
	requestTimeoutMs: number;
	/** ms an idle keep-alive connection is kept after an answer (Node adds 1 s of grace). */
	keepAliveTimeoutMs: number;
	/** ms without a byte either way, request or answer, after which the socket is closed. */
	idleTimeoutMs: number;
	/** ms between Node's checks of the two request timeouts: how late they can cut. */
	checkIntervalMs: number;
};

/**
 * Node's defaults leave a header 60 s, a request 5 min and a silent socket forever, checked
 * every 30 s, with no cap on connections. 512: about 85 visitors at once (a browser opens
 * about 6 connections), while the writer, the store and WebRTC keep descriptors of their own.
 */
export const SERVE_LIMITS: Readonly<ServeLimits> = {
	maxConnections: 512,
	headersTimeoutMs: 10_000,
	requestTimeoutMs: 20_000,
	keepAliveTimeoutMs: 5_000,
	idleTimeoutMs: 30_000,
	checkIntervalMs: 1_000
};
