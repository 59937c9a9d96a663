/**
 * The signed election for the governance bench (issue 5), made once in Node and cached by
 * bench/governance.bench.js: an open country of 10,000 voters, five candidates, one ballot
 * per voter and the founder's certification of them, every record signed by its author.
 *
 * Keys here are made with openpgp directly and are NOT passphrase-protected: protecting a
 * key costs ~150 ms of S2K (10,000 keys: 25 minutes), and protection plays no part in what
 * is measured. Signatures are exactly what `UnlockedIdentity.signText` makes (binary,
 * detached, v4 Ed25519), and every record passes our real verifier before it is cached.
 */
import * as openpgp from 'openpgp';
import { createVerifier } from '../../src/lib/identity';
import {
	certificationParts,
	deriveCountry,
	encodeRecord,
	makeBallot,
	makeCandidacy,
	makeCitizen,
	makeElection,
	makeGenesis,
	makeResult,
	type AnyRecord
} from '../../src/lib/model';
import { parseAll, verifyAll, type GovernanceFixture } from './governance';

const T0 = 1_763_900_000_000;
const SEATS = 3;
const CANDIDATES = 5;

type Signer = { fingerprint: string; publicKey: string; sign: (text: string) => Promise<string> };

async function signer(name: string): Promise<Signer> {
	const { privateKey } = await openpgp.generateKey({
		userIDs: [{ name }],
		format: 'object',
		config: { v6Keys: false }
	});
	return {
		fingerprint: privateKey.getFingerprint(),
		publicKey: privateKey.toPublic().armor(),
		async sign(text) {
			const message = await openpgp.createMessage({ binary: new TextEncoder().encode(text) });
			const signature = await openpgp.sign({
				message,
				signingKeys: privateKey,
				detached: true,
				format: 'binary'
			});
			return Buffer.from(signature).toString('base64');
		}
	};
}

async function signed(by: Signer, record: AnyRecord) {
	const encoded = encodeRecord(record);
	if (!encoded.ok) throw new Error(`encodeRecord: ${encoded.message}`);
	return {
		id: encoded.value.id,
		entry: { record: encoded.value.text, signature: await by.sign(encoded.value.text) }
	};
}

/** Voter i approves one to three of the candidates, spread so that the count is close. */
const approvalsOf = (i: number, candidates: readonly string[]) =>
	candidates.filter((_, c) => (i * 7 + c * 3) % 5 < 1 + (i % 3));

export async function makeGovernanceFixture(options: {
	voters: number;
	onProgress?: (done: string) => void;
}): Promise<GovernanceFixture> {
	const started = performance.now();
	const voters: Signer[] = [];
	for (let i = 0; i < options.voters; i++) {
		voters.push(await signer(`Voter ${i}`));
		if ((i + 1) % 2500 === 0) options.onProgress?.(`${i + 1} keys`);
	}
	const founder = voters[0]!;
	const genesis = await signed(
		founder,
		makeGenesis({
			author: founder.fingerprint,
			at: T0,
			name: 'Bench Republic',
			constitution: { admission: 'open', seats: SEATS, termDays: 365 },
			founderKey: founder.publicKey
		})
	);
	const country = genesis.id;
	const records = [genesis];
	for (const [i, who] of voters.entries()) {
		records.push(
			await signed(
				who,
				makeCitizen({
					country,
					author: who.fingerprint,
					at: T0 + 1 + i,
					name: `Voter ${i}`,
					publicKey: who.publicKey,
					admission: { type: i === 0 ? 'founder' : 'open' }
				})
			)
		);
	}
	options.onProgress?.('citizens signed');
	const opensAt = T0 + 1_000_000;
	const closesAt = opensAt + 1_000_000;
	const election = await signed(
		voters[1]!,
		makeElection({
			country,
			author: voters[1]!.fingerprint,
			at: opensAt - 1000,
			term: 1,
			seats: SEATS,
			opensAt,
			closesAt
		})
	);
	records.push(election);
	const candidates = voters.slice(1, 1 + CANDIDATES);
	for (const [i, who] of candidates.entries()) {
		records.push(
			await signed(
				who,
				makeCandidacy({
					country,
					author: who.fingerprint,
					at: opensAt - 500 + i,
					election: election.id,
					statement: `Candidate ${i}: the library opens on Sundays.`
				})
			)
		);
	}
	const fingerprints = candidates.map((c) => c.fingerprint);
	for (const [i, who] of voters.entries()) {
		records.push(
			await signed(
				who,
				makeBallot({
					country,
					author: who.fingerprint,
					at: opensAt + 1 + i,
					election: election.id,
					approve: approvalsOf(i, fingerprints)
				})
			)
		);
	}
	options.onProgress?.('ballots signed');
	// The founder certifies with our own count, as the app would: verify, derive, certify.
	const verifier = createVerifier({ useWorkers: false });
	const verified = await verifyAll(verifier, parseAll(records));
	verifier.destroy();
	const state = deriveCountry(country, verified).government.electionById.get(election.id);
	if (!state || state.live.ballots.length !== options.voters) {
		throw new Error(`fixture: ${state?.live.ballots.length ?? 0} ballots counted`);
	}
	for (const body of certificationParts(state)) {
		records.push(
			await signed(
				founder,
				makeResult({ country, author: founder.fingerprint, at: closesAt, body })
			)
		);
	}
	return {
		country,
		election: election.id,
		voters: options.voters,
		records,
		signMs: performance.now() - started
	};
}

/** The workload too, so that Node needs one bundle. */
export { runCountryView, runGovernance } from './governance';
