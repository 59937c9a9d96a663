import { describe, expect, it } from 'vitest';
import { checkRecord, encodeRecord } from '../record';
import type { ReasonCode } from '../result';
import { MAX_ARMORED_KEY } from '../schema';
import { COUNTRY_NAME_MAX, makeGenesis } from './genesis';
import { fakeKey, genesisRecord, person, REMOVE, withPath } from '../fixtures/records';

const genesis = genesisRecord({ founder: person('founder'), at: 1 });
const HEX64 = 'ab'.repeat(32);
const keyOfLength = (length: number) => {
	const key = fakeKey('');
	return key + 'A'.repeat(length - key.length);
};

describe('genesis body [R18]', () => {
	/** [name, field to set, value, the path the error names (default: the field)] */
	type Case = [name: string, field: string, value: unknown, path?: string];
	const refused: Case[] = [
		['name missing', 'body.name', REMOVE],
		['name not a string', 'body.name', 7],
		['name empty', 'body.name', ''],
		['name of 81 characters', 'body.name', 'x'.repeat(COUNTRY_NAME_MAX + 1)],
		['name with a leading space', 'body.name', ' Republic'],
		['name with a trailing space', 'body.name', 'Republic '],
		['name with a leading no-break space', 'body.name', '\u00a0Republic'],
		['name of spaces only', 'body.name', '   '],
		['name with a newline inside', 'body.name', 'Re\npublic'],
		['name with a BEL control character', 'body.name', 'Re\u0007public'],
		['name with a DEL', 'body.name', 'Re\u007fpublic'],
		['name with a C1 control (NEL)', 'body.name', 'Re\u0085public'],
		['constitution missing', 'body.constitution', REMOVE],
		['constitution null', 'body.constitution', null],
		['constitution with an extra field', 'body.constitution.extra', true],
		['admission missing', 'body.constitution.admission', REMOVE],
		['admission "closed" (not in the picklist)', 'body.constitution.admission', 'closed'],
		['admission "Open" (case)', 'body.constitution.admission', 'Open'],
		['seats 0', 'body.constitution.seats', 0],
		['seats 100', 'body.constitution.seats', 100],
		['seats 1.5', 'body.constitution.seats', 1.5],
		['seats -1', 'body.constitution.seats', -1],
		['seats "5" (a string)', 'body.constitution.seats', '5'],
		['termDays 0', 'body.constitution.termDays', 0],
		['termDays 3651', 'body.constitution.termDays', 3651],
		['termDays 30.5', 'body.constitution.termDays', 30.5],
		['termDays missing', 'body.constitution.termDays', REMOVE],
		['founderKey missing', 'body.founderKey', REMOVE],
		['founderKey not armored', 'body.founderKey', 'mDMEZxAAABYJKwYBBAHaRw8BAQdA'],
		[
			'founderKey an armored private key',
			'body.founderKey',
			'-----BEGIN PGP PRIVATE KEY BLOCK-----'
		],
		['founderKey armored after a space', 'body.founderKey', ' ' + fakeKey('x')],
		['founderKey over 16 KiB', 'body.founderKey', keyOfLength(MAX_ARMORED_KEY + 1)],
		['parent missing (must be null)', 'body.parent', REMOVE],
		['parent a string', 'body.parent', HEX64],
		['parent without recordSet', 'body.parent', { country: HEX64 }, 'body.parent.recordSet'],
		[
			'parent with a bad country id',
			'body.parent',
			{ country: 'x', recordSet: HEX64 },
			'body.parent.country'
		],
		[
			'parent with an extra field',
			'body.parent',
			{ country: HEX64, recordSet: HEX64, records: 3, extra: 1 },
			'body.parent.extra'
		],
		[
			'parent with no record count',
			'body.parent',
			{ country: HEX64, recordSet: HEX64 },
			'body.parent.records'
		],
		[
			'parent with zero records',
			'body.parent',
			{ country: HEX64, recordSet: HEX64, records: 0 },
			'body.parent.records'
		],
		['an unknown body field', 'body.extra', 1]
	];

	it.each(refused)('refuses %s', (_name, field, value, path = field) => {
		const code: ReasonCode = 'schema_invalid';
		expect(checkRecord(withPath(genesis, field, value))).toMatchObject({ ok: false, code, path });
	});

	const accepted: Case[] = [
		['name of 1 character', 'body.name', 'X'],
		['name of 80 characters', 'body.name', 'x'.repeat(COUNTRY_NAME_MAX)],
		['name with inner spaces and accents', 'body.name', 'République  du Café'],
		['admission "open"', 'body.constitution.admission', 'open'],
		['seats 1', 'body.constitution.seats', 1],
		['seats 99', 'body.constitution.seats', 99],
		['termDays 1', 'body.constitution.termDays', 1],
		['termDays 3650', 'body.constitution.termDays', 3650],
		['founderKey of exactly 16 KiB', 'body.founderKey', keyOfLength(MAX_ARMORED_KEY)],
		['a parent', 'body.parent', { country: HEX64, recordSet: 'cd'.repeat(32), records: 12 }]
	];

	it.each(accepted)('accepts %s', (_name, path, value) => {
		expect(checkRecord(withPath(genesis, path, value)).ok).toBe(true);
	});
});

describe('makeGenesis', () => {
	it('normalises the name to NFC and trims it, so the record encodes', () => {
		const founder = person('founder');
		const record = makeGenesis({
			author: founder.fingerprint,
			at: 1,
			name: '  Re\u0301publique ',
			constitution: { admission: 'open', seats: 3, termDays: 30 },
			founderKey: founder.key
		});
		expect(record.body.name).toBe('République');
		expect(record.body.parent).toBeNull();
		expect(encodeRecord(record).ok).toBe(true);
	});
});
