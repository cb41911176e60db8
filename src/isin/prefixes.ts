/**
 * Known ISIN prefixes: ISO 3166-1 alpha-2 codes plus the special codes numbering agencies really use. An
 * unknown prefix is a warning by default, because the list of special codes grows (EZ arrived with ANNA-DSB).
 */

const ISO_3166 =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS ' +
  'MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS ' +
  'RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW ' +
  'TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW';

// XS international, EU institutions, XA–XD substitute agencies, XF bank-internal, QS/QT/QW/QZ temporary or
// dummy, EZ ANNA-DSB derivatives, XK Kosovo, AN/CS withdrawn ISO codes still found on live securities.
const SPECIAL = 'XS EU XA XB XC XD XF QS QT QW QZ EZ XK AN CS';

let table: Uint8Array | undefined;

/** One byte per prefix index `p0 * 26 + p1` (letters as 0–25): 1 when known. Built on first use. */
export function knownPrefixTable(): Uint8Array {
  if (table === undefined) {
    table = new Uint8Array(26 * 26);
    for (const code of `${ISO_3166} ${SPECIAL}`.split(' ')) {
      table[(code.charCodeAt(0) - 65) * 26 + (code.charCodeAt(1) - 65)] = 1;
    }
  }
  return table;
}

/** Whether a two-letter upper-case prefix is an ISO 3166 country or a documented special ISIN prefix. */
export function isKnownIsinPrefix(prefix: string): boolean {
  if (prefix.length !== 2) return false;
  const a = prefix.charCodeAt(0) - 65;
  const b = prefix.charCodeAt(1) - 65;
  return a >= 0 && a < 26 && b >= 0 && b < 26 && knownPrefixTable()[a * 26 + b] === 1;
}
