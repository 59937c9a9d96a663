/**
 * CountryConnections share y-webrtc's signaling sockets (one per URL per page). Its provider
 * keeps every socket it ever used in its list, and its destroy() leaves the rooms but not the
 * sockets. These tests hold the page to one socket per server, closed when the last country
 * closes, with only live countries' rooms on it (the signaling guard finds rooms there).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { WebrtcProvider } from 'y-webrtc';
import { startStandalone, type Standalone } from '../../../signaling-server/standalone.js';
import type { RtcImplementation } from './chunked-rtc';
import { openCountryDocs } from './docs';
import { CountryConnection } from './peers';

// y-webrtc signals over the global WebSocket, which Node 20 lacks.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

/** No peer ever pairs here (each country is alone in its rooms): no WebRTC is made. */
const noRtc = {
	RTCPeerConnection: class {},
	RTCSessionDescription: class {},
	RTCIceCandidate: class {}
} as unknown as RtcImplementation;

let server: Standalone;
beforeAll(async () => {
	server = await startStandalone({ port: 0 });
});
afterAll(() => server.close());

const open = (country: string) =>
	new CountryConnection(openCountryDocs(country, { persist: false }), {
		signaling: [server.url],
		secret: 'citizens secret',
		rtc: noRtc
	});

const online = (connection: CountryConnection) =>
	vi.waitFor(
		() => expect(connection.status.signaling).toEqual([{ url: server.url, connected: true }]),
		{ timeout: 5000 }
	);

const socketsAtServer = (count: number) =>
	vi.waitFor(() => expect(server.signaling.health().connections).toBe(count), {
		timeout: 5000
	});

describe('CountryConnection and shared signaling sockets', () => {
	it('after an offline cycle, closing one country leaves the others on the one socket', async () => {
		const x = open('x'.repeat(64));
		const y = open('y'.repeat(64));
		await online(x);
		await online(y);
		await socketsAtServer(1);
		for (const state of [false, true]) {
			x.setOnline(state);
			y.setOnline(state);
		}
		await online(x);
		await online(y);
		await x.destroyed();
		const z = open('z'.repeat(64));
		await online(z);
		await online(y);
		// One page, one socket to the server: Y's and Z's rooms on it.
		await socketsAtServer(1);
		// Offline, the status still names the configured server, not connected.
		y.setOnline(false);
		expect(y.status.signaling).toEqual([{ url: server.url, connected: false }]);
		await y.destroyed();
		await z.destroyed();
		await socketsAtServer(0);
	});

	it('a closed country leaves the socket: a reopened one is found there, not the closed one', async () => {
		const country = 'r'.repeat(64);
		const stays = open('s'.repeat(64));
		const first = open(country);
		await online(first);
		await first.destroyed();
		const again = open(country);
		await online(again);
		const [socket] = again.providers[0]!.signalingConns;
		const roomsOnSocket = [...socket!.providers].map((p) => p as WebrtcProvider);
		expect(roomsOnSocket).toEqual([...stays.providers, ...again.providers]);
		await again.destroyed();
		await stays.destroyed();
		await socketsAtServer(0);
	});
});
