/**
 * What an invite carries, in the URL fragment so no server ever sees it: the country id,
 * where to find peers, the citizens' secret, and for `invite` countries a one-time code.
 * A short checksum catches truncation and accidental edits with a clear message; trust
 * still comes from signatures (the genesis must hash to the country id).
 */
import { err, ok, type Result } from './result';
import { sha256Hex, HEX64 } from './hash';
import { INVITE_CODE } from './kinds/citizen';

export type Invitation = {
	country: string;
	/** The country's name as the inviter saw it: shown until the genesis arrives and is checked. */
	name: string;
	secret: string;
	signaling: string[];
	invite: { id: string; code: string } | null;
};

export type InviteLinkError = 'link_malformed' | 'link_damaged';

const SECRET = /^[A-Za-z0-9_-]{16,128}$/;
const MAX_FRAGMENT = 8 * 1024;
/** Signaling URLs a link carries, and the length of each: decoding refuses more. */
const MAX_SIGNALING = 8;
const MAX_URL = 512;

const toBase64Url = (text: string): string => {
	const bytes = new TextEncoder().encode(text);
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};

const fromBase64Url = (text: string): string => {
	const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
	return new TextDecoder('utf-8', { fatal: true }).decode(
		Uint8Array.from(binary, (c) => c.charCodeAt(0))
	);
};

const checksum = (payload: string): string => sha256Hex(payload).slice(0, 8);

const isUrl = (s: unknown): s is string => {
	if (typeof s !== 'string' || s.length > MAX_URL) return false;
	try {
		const url = new URL(s);
		return url.protocol === 'ws:' || url.protocol === 'wss:';
	} catch {
		return false;
	}
};

/**
 * The fragment (without `#`) for an invitation. Only signaling URLs that decoding accepts
 * travel, the first MAX_SIGNALING of them: the app's own server plus a country's list can
 * be one more than the limit, and one extra must not make every link unreadable.
 */
export function encodeInvitation(invitation: Invitation): string {
	const payload = toBase64Url(
		JSON.stringify({
			c: invitation.country,
			n: invitation.name,
			s: invitation.secret,
			g: invitation.signaling.filter(isUrl).slice(0, MAX_SIGNALING),
			i: invitation.invite ? [invitation.invite.id, invitation.invite.code] : null
		})
	);
	return `join=${payload}.${checksum(payload)}`;
}

/**
 * Read an invitation from a URL fragment; never throws. A link cut short or changed fails
 * its checksum: `link_damaged` (ask for it again). A link whose checksum holds but whose
 * content is not an invitation was made that way, and asking again would give the same
 * link: `link_malformed`, like anything that is not an invite link at all.
 */
export function decodeInvitation(fragment: string): Result<Invitation, InviteLinkError> {
	const text = fragment.replace(/^#/, '');
	const malformed = err('link_malformed', 'This is not a Webocracy invite link.');
	const damaged = err(
		'link_damaged',
		'This invite link is damaged (cut short or changed). Ask for the link again and copy all of it.'
	);
	if (text.length > MAX_FRAGMENT || !text.startsWith('join=')) return malformed;
	const [payload, sum, extra] = text.slice('join='.length).split('.');
	if (!payload || !sum || extra !== undefined) return damaged;
	if (checksum(payload) !== sum) return damaged;
	let raw: { c?: unknown; n?: unknown; s?: unknown; g?: unknown; i?: unknown };
	try {
		raw = JSON.parse(fromBase64Url(payload));
	} catch {
		return malformed;
	}
	if (typeof raw !== 'object' || raw === null) return malformed;
	const { c, n, s, g, i } = raw;
	if (typeof c !== 'string' || !HEX64.test(c)) return malformed;
	if (typeof s !== 'string' || !SECRET.test(s)) return malformed;
	if (typeof n !== 'string' || n.length > 200) return malformed;
	if (!Array.isArray(g) || g.length > MAX_SIGNALING || !g.every(isUrl)) return malformed;
	let invite: Invitation['invite'] = null;
	if (i !== null) {
		if (!Array.isArray(i) || i.length !== 2) return malformed;
		const [id, code] = i as unknown[];
		if (typeof id !== 'string' || !HEX64.test(id)) return malformed;
		if (typeof code !== 'string' || !INVITE_CODE.test(code)) return malformed;
		invite = { id, code };
	}
	return ok({ country: c, name: n, secret: s, signaling: g, invite });
}
