/**
 * The mirror's `--serve` HTTP server against a hostile client: raw requests over a socket
 * (no client-side normalisation of paths), checked for what leaks, what crashes and which
 * headers every answer carries.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deriveCountry } from '../src/lib/model/country';
import { postRecord } from '../src/lib/model/fixtures/posts';
import { citizenRecord, genesisRecord, person, verified } from '../src/lib/model/fixtures/records';
import { CONTENT_SECURITY_POLICY, renderSite } from '../src/lib/site';
import { createSiteServer, SECURITY_HEADERS, SERVE_LIMITS, type ServeLimits } from './site-server';

const SECRET = 'the-data-directory-secret-0123';
let root: string;
let server: Server;
let port: number;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'serve-hostile-'));
	// The site, and beside it files a request must never reach: the mirror's data directory,
	// and a sibling whose name starts like the site's (a prefix check without a separator
	// would let `/../out-private/` through).
	const out = join(root, 'out');
	mkdirSync(join(out, 'posts'), { recursive: true });
	mkdirSync(join(root, 'data'));
	mkdirSync(join(root, 'out-private'));
	writeFileSync(join(out, 'index.html'), '<!doctype html><p>Welcome</p>');
	writeFileSync(join(out, 'posts', 'a.html'), '<!doctype html><p>A post</p>');
	writeFileSync(join(out, 'style.css'), 'p { color: black }');
	writeFileSync(join(out, 'feed.xml'), '<feed xmlns="http://www.w3.org/2005/Atom"></feed>');
	writeFileSync(join(out, '404.html'), '<!doctype html><p>No such page</p>');
	writeFileSync(join(root, 'data', 'secret.txt'), SECRET);
	writeFileSync(join(root, 'out-private', 'secret.txt'), SECRET);
	writeFileSync(join(root, 'secret.txt'), SECRET);
	server = createSiteServer({ outDir: out, health: () => ({ records: { valid: 3 } }) });
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
	rmSync(root, { recursive: true, force: true });
});

type Answer = { status: number; headers: Map<string, string>; body: string };

/** Send exactly these bytes and read the answer until the server closes the connection. */
function raw(request: string | Buffer, toPort = port): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const socket = connect(toPort, '127.0.0.1');
		const chunks: Buffer[] = [];
		socket.on('data', (chunk) => chunks.push(chunk));
		socket.on('error', reject);
		socket.on('close', () => {
			const text = Buffer.concat(chunks).toString('latin1');
			const [head = '', ...rest] = text.split('\r\n\r\n');
			const [statusLine = '', ...lines] = head.split('\r\n');
			const headers = new Map(
				lines.map((line) => {
					const colon = line.indexOf(':');
					return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
				})
			);
			const body = rest.join('\r\n\r\n');
			const chunked = headers.get('transfer-encoding') === 'chunked';
			resolve({
				status: Number(statusLine.split(' ')[1]),
				headers,
				body: chunked ? dechunk(body) : body
			});
		});
		socket.write(request);
	});
}

/** The body of a chunked answer (the server writes one for a body it streams). */
function dechunk(text: string): string {
	let body = '';
	let at = 0;
	for (;;) {
		const eol = text.indexOf('\r\n', at);
		const size = parseInt(text.slice(at, eol), 16);
		if (!(size > 0)) return body;
		body += text.slice(eol + 2, eol + 2 + size);
		at = eol + 2 + size + 2;
	}
}

const get = (path: string, method = 'GET', extra = '') =>
	raw(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extra}\r\n`);

/** The server still answers an ordinary request. */
async function stillServing() {
	const answer = await get('/');
	expect(answer.status).toBe(200);
	expect(answer.body).toContain('Welcome');
}

describe('[serve] paths outside the site are never served', () => {
	const traversals = [
		'/../secret.txt',
		'/../data/secret.txt',
		'/../out-private/secret.txt',
		'/posts/../../secret.txt',
		'/%2e%2e/secret.txt',
		'/%2E%2E/data/secret.txt',
		'/%2e%2e%2fsecret.txt',
		'/..%2fsecret.txt',
		'/%252e%252e/secret.txt',
		'/..%5csecret.txt',
		'/..\\secret.txt',
		'/posts/..\\..\\secret.txt',
		'/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
		'//etc/passwd',
		'/index.html%00.txt',
		'/%00/../secret.txt',
		'/%c0%ae%c0%ae/secret.txt',
		'/%',
		'/%zz',
		'http://localhost/../secret.txt',
		`/${'../'.repeat(40)}etc/passwd`
	];
	it.each(traversals)('%s', async (path) => {
		const answer = await get(path);
		expect(answer.body).not.toContain(SECRET);
		expect(answer.body).not.toMatch(/root:/);
		expect([400, 404]).toContain(answer.status);
		await stillServing();
	});
});

describe('[serve] only GET and HEAD', () => {
	it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND'])(
		'%s is refused with 405 and Allow',
		async (method) => {
			const answer = await get('/index.html', method, 'Content-Length: 0\r\n');
			expect(answer.status).toBe(405);
			expect(answer.headers.get('allow')).toBe('GET, HEAD');
			expect(answer.body).not.toContain('Welcome');
		}
	);

	it('HEAD answers headers without the page', async () => {
		const answer = await get('/index.html', 'HEAD');
		expect(answer.status).toBe(200);
		expect(answer.body).toBe('');
	});
});

describe('[serve] malformed and oversized requests: an error, and the server stays up', () => {
	const cases: [string, () => string | Buffer][] = [
		['a 100 KB header', () => `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`],
		['20 000 headers', () => `GET / HTTP/1.1\r\nHost: x\r\n${'X-A: b\r\n'.repeat(20_000)}\r\n`],
		['a 100 KB path', () => `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
		['a request line that is not HTTP', () => 'HELLO\r\n\r\n'],
		['binary junk', () => Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])],
		['a null byte in the path', () => 'GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n']
	];
	it.each(cases)('%s', async (_name, request) => {
		const answer = await raw(request());
		expect(answer.status).toBeGreaterThanOrEqual(400);
		expect(answer.status).toBeLessThan(500);
		await stillServing();
	});

	// sirv hands the Range header to createReadStream unchecked: `bytes=5-2` threw from the
	// request handler, an uncaught exception that stopped the whole mirror process.
	it.each(['bytes=5-2', 'bytes=999999-', 'bytes=-', 'bytes=0-0,5-2', 'bytes=-5-2', 'items=1-2'])(
		'Range: %s is ignored: the whole page, and the server stays up',
		async (range) => {
			const answer = await get('/index.html', 'GET', `Range: ${range}\r\n`);
			expect(answer.status).toBe(200);
			expect(answer.body).toContain('Welcome');
			await stillServing();
		}
	);
});

describe('[serve] every answer carries the security headers', () => {
	const expectSecure = (answer: Answer) => {
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
			expect([name, answer.headers.get(name.toLowerCase())]).toEqual([name, value]);
		}
	};

	it('the header CSP is the pages’ own, plus frame-ancestors', () => {
		expect(SECURITY_HEADERS['Content-Security-Policy']).toContain(CONTENT_SECURITY_POLICY);
		expect(SECURITY_HEADERS['Content-Security-Policy']).toContain("frame-ancestors 'none'");
		expect(SECURITY_HEADERS['Content-Security-Policy']).not.toMatch(/script-src|unsafe/);
	});

	it.each([
		['a page', '/', 200],
		['a page without .html', '/posts/a', 200],
		['the stylesheet', '/style.css', 200],
		['the feed', '/feed.xml', 200],
		['a missing page', '/nothing-here', 404],
		['a traversal', '/../secret.txt', 404],
		['health', '/health', 200],
		['health with a query', '/health?x=<script>', 200]
	] as const)('%s (%s)', async (_name, path, status) => {
		const answer = await get(path);
		expect(answer.status).toBe(status);
		expectSecure(answer);
	});

	it('a refused method, and a revalidation (304)', async () => {
		expectSecure(await get('/', 'DELETE', 'Content-Length: 0\r\n'));
		const first = await get('/index.html');
		const etag = first.headers.get('etag');
		expect(etag).toBeTruthy();
		const again = await get('/index.html', 'GET', `If-None-Match: ${etag}\r\n`);
		expect(again.status).toBe(304);
		expectSecure(again);
	});
});

describe('[serve] /health', () => {
	it('is the mirror’s own JSON, never cached, whatever the request says', async () => {
		const answer = await get('/health?secret=1', 'GET', 'Cookie: session=abc\r\n');
		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toBe('application/json');
		expect(answer.headers.get('cache-control')).toBe('no-store');
		expect(JSON.parse(answer.body)).toEqual({
			records: { valid: 3 }
		});
	});
});

describe('[serve] a site rendered from hostile records', () => {
	const HTML = '<html><body><script>alert(1)</script><svg onload="alert(2)"></svg></body></html>';
	let site: Server;
	let sitePort: number;
	let paths: string[];

	beforeAll(async () => {
		// A citizen's key is free text after its first line (the model does not parse keys),
		// and the site publishes it verbatim as keys/<fingerprint>.asc; records/*.txt are the
		// signed texts. Neither may ever be read as a page.
		const ada = person('Ada');
		const mallory = person('Mallory');
		const genesis = verified(genesisRecord({ founder: ada, at: 0, admission: 'open' }));
		const id = genesis.id;
		const records = [
			genesis,
			verified(citizenRecord(id, { who: ada, at: 1, admission: { type: 'founder' } })),
			verified(
				citizenRecord(id, {
					who: mallory,
					at: 2,
					admission: { type: 'open' },
					name: '<img src=x onerror=alert(3)>',
					key: `-----BEGIN PGP PUBLIC KEY BLOCK-----\n${HTML}`
				})
			),
			verified(
				postRecord(id, {
					by: mallory,
					at: 3,
					title: '</title><script>alert(4)</script>',
					body: HTML
				})
			)
		];
		const rendered = renderSite({
			country: deriveCountry(id, records),
			baseUrl: 'https://x.example/'
		});
		if (!rendered.ok) throw new Error(rendered.message);
		const out = join(root, 'hostile-site');
		for (const file of rendered.value) {
			mkdirSync(join(out, file.path, '..'), { recursive: true });
			writeFileSync(join(out, file.path), file.content);
		}
		paths = rendered.value.map((f) => f.path);
		expect(paths).toContain(`keys/${mallory.fingerprint}.asc`);
		site = createSiteServer({ outDir: out, health: () => ({}) });
		await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
		sitePort = (site.address() as AddressInfo).port;
	});

	afterAll(async () => {
		site.closeAllConnections();
		await new Promise((resolve) => site.close(resolve));
	});

	it('every file: the CSP header, nosniff, and a type that is HTML only for pages', async () => {
		for (const path of paths) {
			const answer = await raw(
				`HEAD /${encodeURI(path)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
				sitePort
			);
			expect([path, answer.status]).toEqual([path, 200]);
			expect([path, answer.headers.get('content-security-policy')]).toEqual([
				path,
				SECURITY_HEADERS['Content-Security-Policy']
			]);
			expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
			const type = answer.headers.get('content-type') ?? '';
			expect([path, type === '' ? 'none' : type.includes('html')]).toEqual([
				path,
				path.endsWith('.html')
			]);
		}
	});
});

describe('[serve] limits: slow clients and connection floods', () => {
	const opened: Server[] = [];
	afterEach(async () => {
		for (const s of opened.splice(0)) {
			s.closeAllConnections();
			await new Promise((resolve) => s.close(resolve));
		}
	});

	/** A server of the test site with these limits, on 127.0.0.1, closed after the test. */
	async function limited(limits: Partial<ServeLimits>): Promise<{ server: Server; port: number }> {
		const limitedServer = createSiteServer({
			outDir: join(root, 'out'),
			health: () => ({}),
			limits
		});
		opened.push(limitedServer);
		await new Promise<void>((resolve) => limitedServer.listen(0, '127.0.0.1', resolve));
		return { server: limitedServer, port: (limitedServer.address() as AddressInfo).port };
	}

	const delay = (ms: number) =>
		new Promise<false>((resolve) => setTimeout(() => resolve(false), ms));

	/** A socket to `toPort`, what it received, and whether it closed within `withinMs`. */
	function open(toPort: number) {
		const socket = connect(toPort, '127.0.0.1');
		let received = '';
		socket.on('data', (chunk) => (received += chunk.toString('latin1')));
		// A reset from a server that cut or refused the connection is what these tests expect.
		socket.on('error', () => undefined);
		const closed = new Promise<true>((resolve) => socket.on('close', () => resolve(true)));
		const connected = new Promise<void>((resolve) => socket.on('connect', resolve));
		return {
			socket,
			connected,
			received: () => received,
			closedWithin: (ms: number) => Promise.race([closed, delay(ms)])
		};
	}

	/** Poll (bounded) until the server counts `n` open connections. */
	async function connectionsReach(target: Server, n: number): Promise<number> {
		let count = -1;
		for (let i = 0; i < 100 && count !== n; i++) {
			count = await new Promise<number>((resolve) =>
				target.getConnections((error, c) => resolve(error ? -1 : c))
			);
			if (count !== n) await delay(20);
		}
		return count;
	}

	it('by default: a cap on connections and timeouts far below Node’s', async () => {
		const { server: plain } = await limited({});
		expect(plain.maxConnections).toBe(SERVE_LIMITS.maxConnections);
		expect(plain.headersTimeout).toBe(SERVE_LIMITS.headersTimeoutMs);
		expect(plain.requestTimeout).toBe(SERVE_LIMITS.requestTimeoutMs);
		expect(plain.keepAliveTimeout).toBe(SERVE_LIMITS.keepAliveTimeoutMs);
		expect(plain.timeout).toBe(SERVE_LIMITS.idleTimeoutMs);
		expect(SERVE_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(10_000);
		expect(SERVE_LIMITS.idleTimeoutMs).toBeLessThanOrEqual(60_000);
		expect(SERVE_LIMITS.checkIntervalMs).toBeLessThanOrEqual(1_000);
	});

	it('a client sending its headers a byte at a time is cut off (408) while others are served', async () => {
		const { port: at } = await limited({
			headersTimeoutMs: 400,
			requestTimeoutMs: 400,
			checkIntervalMs: 50
		});
		const request = `GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
		const started = Date.now();
		const slow = open(at);
		let sent = 0;
		// A byte every 20 ms: the whole request would take more than 4 s.
		const trickle = setInterval(() => {
			if (sent < request.length && !slow.socket.destroyed) slow.socket.write(request[sent++]!);
		}, 20);
		try {
			await delay(150);
			const other = await raw('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', at);
			expect(other.body).toContain('Welcome');
			expect(await slow.closedWithin(3_000)).toBe(true);
		} finally {
			clearInterval(trickle);
		}
		const elapsed = Date.now() - started;
		expect(sent).toBeLessThan(request.length);
		expect(elapsed).toBeGreaterThanOrEqual(350);
		expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
		expect(slow.received()).not.toContain('Welcome');
	});

	it('a connection that goes silent in the middle of its headers is closed', async () => {
		const { port: at } = await limited({ headersTimeoutMs: 10_000, idleTimeoutMs: 300 });
		const silent = open(at);
		await silent.connected;
		silent.socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
		expect(await silent.closedWithin(3_000)).toBe(true);
		expect(silent.received()).toBe('');
	});

	it('an idle keep-alive connection is closed after its answer', async () => {
		const { port: at } = await limited({ keepAliveTimeoutMs: 200 });
		const client = open(at);
		client.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
		// Node keeps the socket a second longer than it announces, against races with clients.
		expect(await client.closedWithin(4_000)).toBe(true);
		expect(client.received()).toContain('Welcome');
	});

	it('connections past the cap are refused while an open one still gets its page', async () => {
		const { server: capped, port: at } = await limited({ maxConnections: 2 });
		let dropped = 0;
		capped.on('drop', () => dropped++);
		const held = [open(at), open(at)];
		await Promise.all(held.map((h) => h.connected));
		expect(await connectionsReach(capped, 2)).toBe(2);

		const flood = Array.from({ length: 10 }, () => open(at));
		for (const extra of flood) {
			extra.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
		}
		const refused = await Promise.all(flood.map((extra) => extra.closedWithin(3_000)));
		expect(refused).toEqual(flood.map(() => true));
		for (const extra of flood) expect(extra.received()).toBe('');
		expect(dropped).toBe(flood.length);

		const [first, second] = held;
		first!.socket.write('GET /posts/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
		expect(await first!.closedWithin(3_000)).toBe(true);
		expect(first!.received()).toMatch(/^HTTP\/1\.1 200 /);
		expect(first!.received()).toContain('A post');

		// A place freed is a place for the next client.
		expect(await connectionsReach(capped, 1)).toBe(1);
		const next = await raw('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', at);
		expect(next.body).toContain('Welcome');
		second!.socket.destroy();
	});
});
