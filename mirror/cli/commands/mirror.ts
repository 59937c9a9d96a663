import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { decodeInvitation, HEX64 } from '../../../src/lib/model';
import { checkBaseUrl, siteRenderer } from '../../site';
import { SERVE_LIMITS } from '../../serve-limits';
import { LogWriteError } from '../../update-log';
import { required, signalingUrls, text, type Command } from '../args';
import { CliError, EXIT, storageError } from '../exit';

const DEFAULT_CONNECT_TIMEOUT_S = 30;

/** The country and signaling servers, from an invite link or from --country and --signal. */
function target(values: Record<string, unknown>): { country: string; signaling: string[] } {
	const invite = text(values, 'invite');
	const country = text(values, 'country');
	const extra = signalingUrls(values);
	if (invite) {
		const hash = invite.indexOf('#');
		const decoded = decodeInvitation(hash >= 0 ? invite.slice(hash + 1) : invite);
		if (!decoded.ok)
			throw new CliError(EXIT.input, `--invite: ${decoded.message} (${decoded.code})`);
		if (country && country !== decoded.value.country) {
			throw new CliError(
				EXIT.input,
				`The invite link is for another country (${decoded.value.country}) than --country ${country}.`
			);
		}
		// The link's secret opens the citizens' room: the mirror never uses it.
		const signaling = [...new Set([...decoded.value.signaling, ...extra])];
		if (!signaling.length)
			throw new CliError(
				EXIT.input,
				'The invite link names no signaling server; add --signal URL.'
			);
		return { country: decoded.value.country, signaling };
	}
	if (!country)
		throw new CliError(
			EXIT.usage,
			'Give --invite URL, or --country ID with --signal URL. See: webocracy mirror --help'
		);
	if (!HEX64.test(country))
		throw new CliError(EXIT.usage, '--country is a country id: 64 lowercase hex digits.');
	if (!extra.length) throw new CliError(EXIT.usage, '--country needs at least one --signal URL.');
	return { country, signaling: extra };
}

const port = (value: string | undefined): number | null => {
	if (value === undefined) return null;
	const n = Number(value);
	if (!/^\d+$/.test(value) || n < 0 || n > 65535)
		throw new CliError(EXIT.usage, '--serve takes a port number (0–65535).');
	return n;
};

/** `--max-connections`: a whole number of connections, only with --serve. */
function maxConnections(value: string | undefined, serving: boolean): number | undefined {
	if (value === undefined) return undefined;
	if (!serving) throw new CliError(EXIT.usage, '--max-connections needs --serve PORT.');
	const n = Number(value);
	if (!/^\d+$/.test(value) || n < 1 || n > 1_000_000)
		throw new CliError(EXIT.usage, '--max-connections takes a number of connections (1–1000000).');
	return n;
}

const say = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

function listen(server: Server, portNumber: number, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				new CliError(
					EXIT.input,
					`Cannot serve on ${host}:${portNumber}: ${error.code ?? error.message}.`
				)
			)
		);
		server.listen(portNumber, host, () => {
			const address = server.address();
			resolve(typeof address === 'object' && address ? address.port : portNumber);
		});
	});
}

function mirrorFailure(error: unknown): CliError {
	if (error instanceof CliError) return error;
	if (error instanceof LogWriteError) {
		const failure = storageError(error.path, error.cause);
		return new CliError(
			EXIT.storage,
			`${failure.message} Everything stored before is kept; free space and start the mirror again.`
		);
	}
	const path = (error as NodeJS.ErrnoException).path;
	if (path) return storageError(path, error);
	return new CliError(EXIT.failure, String((error as Error)?.stack ?? error));
}

export const mirror: Command = {
	name: 'mirror',
	summary: 'run an always-on peer that keeps a country and renders its public site',
	usage:
		'webocracy mirror (--invite URL | --country ID --signal URL…) --data DIR --out DIR [--serve PORT] [--host HOST] [--max-connections N] [--base-url URL] [--connect-timeout SECONDS]',
	help: `Joins the country's public room (never the citizens' room) over WebRTC, keeps every
update in DIR (an append-only log, fsync'd; it survives restarts and crashes), verifies every
record, and renders the static site into the --out directory within a moment of each change.
It signs nothing. Stop it with Ctrl-C (SIGINT) or SIGTERM.

  --invite URL            an invite link of the country (only its country id and signaling
                          servers are used)
  --country ID            the country id, with --signal
  --signal URL            a signaling server (ws: or wss:), repeatable; added to an invite's
  --data DIR              the mirror's store (one country per directory)
  --out DIR               where the static site is written
  --serve PORT            also serve the site and GET /health (JSON) on this port
  --host HOST             address to serve on; default 127.0.0.1
  --max-connections N     connections served at once, more are closed as they arrive;
                          default ${SERVE_LIMITS.maxConnections} (headers must arrive within ${SERVE_LIMITS.headersTimeoutMs / 1000} s, and a
                          connection silent for ${SERVE_LIMITS.idleTimeoutMs / 1000} s is closed)
  --base-url URL          where the site is published (for sitemap.xml and the feed)
  --connect-timeout S     give up when no signaling server answers within S seconds at
                          start (exit 6); default ${DEFAULT_CONNECT_TIMEOUT_S}, 0 waits forever`,
	options: {
		invite: { type: 'string' },
		country: { type: 'string' },
		signal: { type: 'string', multiple: true },
		data: { type: 'string' },
		out: { type: 'string' },
		serve: { type: 'string' },
		host: { type: 'string' },
		'max-connections': { type: 'string' },
		'base-url': { type: 'string' },
		'connect-timeout': { type: 'string' }
	},
	positionals: 0,
	async run(values) {
		const { country, signaling } = target(values);
		const dataDir = required(values, 'data', 'mirror');
		const outDir = required(values, 'out', 'mirror');
		const servePort = port(text(values, 'serve'));
		const cap = maxConnections(text(values, 'max-connections'), servePort !== null);
		const baseUrl = checkBaseUrl(text(values, 'base-url'));
		const timeout = text(values, 'connect-timeout') ?? String(DEFAULT_CONNECT_TIMEOUT_S);
		if (!/^\d+(\.\d+)?$/.test(timeout))
			throw new CliError(EXIT.usage, '--connect-timeout takes seconds.');
		try {
			await mkdir(outDir, { recursive: true });
		} catch (error) {
			throw storageError(outDir, error);
		}
		const render = siteRenderer({ outDir, baseUrl });
		say(`mirror of ${country} via ${signaling.join(', ')}; store ${dataDir}; site ${outDir}`);
		// Loaded here, not at startup: WebRTC's native library is for this command only.
		const { Mirror } = await import('../../mirror-peer');
		const running = await Mirror.start({
			countryId: country,
			signaling,
			dataDir,
			render,
			connectTimeoutMs: Number(timeout) * 1000,
			say
		}).catch((error) => {
			throw mirrorFailure(error);
		});
		let server: Server | null = null;
		try {
			if (servePort !== null) {
				const { createSiteServer } = await import('../../site-server');
				server = createSiteServer({
					outDir,
					health: () => running.health(),
					limits: cap === undefined ? undefined : { maxConnections: cap }
				});
				const host = text(values, 'host') ?? '127.0.0.1';
				const bound = await listen(server, servePort, host);
				say(`serving http://${host}:${bound}/ (health: /health)`);
			}
			const stopRequested = new Promise<string>((resolve) => {
				process.once('SIGINT', () => resolve('SIGINT'));
				process.once('SIGTERM', () => resolve('SIGTERM'));
			});
			const signal = await Promise.race([stopRequested, running.failed]);
			say(`${signal}: stopping`);
			return EXIT.ok;
		} catch (error) {
			throw mirrorFailure(error);
		} finally {
			server?.closeAllConnections();
			server?.close();
			await running.stop().catch(() => {});
		}
	}
};
