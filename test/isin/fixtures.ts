/**
 * Exchange-shaped list fixtures, generated: each reproduces the quirks of the real file (see the research
 * note): header names, padding, delimiters, preambles, junk lines, BOM, CRLF, quoting and encoding.
 */
import { distinctIsins, prng, randomLei } from './generate.js';

/** A generated list: its bytes, the valid ISINs it holds, and the invalid rows by line. */
export interface Fixture {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly isins: readonly string[];
  readonly invalid: readonly { line: number; code: string }[];
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** GLEIF `LEI,ISIN`: LF, no BOM, no quotes, 34-byte rows; one bad check digit at a known line. */
export function gleif(count = 500, seed = 1): Fixture {
  const next = prng(seed);
  const isins = distinctIsins(count, seed);
  const rows = isins.map((isin) => `${randomLei(next)},${isin}`);
  rows.splice(2, 0, '029200038B4L4ZI1E579,NGSDCBANCO00');
  rows.splice(10, 0, `${randomLei(next)},US0378331004`); // line 12 (header is line 1)
  return {
    name: 'gleif',
    bytes: utf8(`LEI,ISIN\n${rows.join('\n')}\n`),
    isins: [...isins, 'NGSDCBANCO00'],
    invalid: [{ line: 12, code: 'CHECK_MISMATCH' }],
  };
}

/** NSE `EQUITY_L.csv`: leading spaces in header names, CRLF. */
export function nse(): Fixture {
  const header = 'SYMBOL,NAME OF COMPANY, SERIES, DATE OF LISTING, PAID UP VALUE, MARKET LOT, ISIN NUMBER, FACE VALUE';
  const rows = [
    '20MICRONS,20 Microns Limited,EQ,06-OCT-2008,5,1,INE144J01027,5',
    '21STCENMGM,21st Century Management Services Limited,BE,03-MAY-1995,10,1,INE253B01015,10',
    '3MINDIA,3M India Limited,EQ,13-AUG-2004,10,1,INE470A01017,10',
    'BADONE,Bad Check Limited,EQ,13-AUG-2004,10,1,INE470A01018,10',
  ];
  return {
    name: 'nse',
    bytes: utf8(`${header}\r\n${rows.join('\r\n')}\r\n`),
    isins: ['INE144J01027', 'INE253B01015', 'INE470A01017'],
    invalid: [{ line: 5, code: 'CHECK_MISMATCH' }],
  };
}

/** BSE list of scrips: padded values and trailing empty fields. */
export function bse(): Fixture {
  const header =
    'Security Code,Issuer Name,Security Id,Security Name,Status,Group,Face Value,ISIN No,Industry,Instrument,Sector Name,Industry New Name,Igroup Name,ISubgroup Name';
  const rows = [
    '500002,ABB India Limited,ABB,ABB India Ltd,Active,A ,2.00,INE117A01022,Equity,,,,,',
    '500003,Aegis Logistics Ltd,AEGISLOG,AEGIS LOGISTICS LTD.,Active,A ,1.00,INE208C01025,Equity,,,,,',
    '500004,Short Row Ltd,SHORT,SHORT ROW,Active',
  ];
  return {
    name: 'bse',
    bytes: utf8(`${header}\n${rows.join('\n')}\n`),
    isins: ['INE117A01022', 'INE208C01025'],
    invalid: [],
  };
}

/** Xetra T7 instruments: `;`, two preamble lines, header on line 3. */
export function xetra(): Fixture {
  const text = [
    'Market:;XETR',
    'Date Last Update:;10.08.2026',
    'Product Status;Instrument Status;Instrument;ISIN;WKN;Mnemonic;MIC Code;Product Assignment Group Description;Instrument Type',
    'Active;Active;EXPAT BUL.SOFIX UCITS ETF;BG9000011163;000A2ARPV;BGX;XETR;ETF;ETF',
    'Active;Active;ISHS CORE MSCI WORLD;IE00B4L5Y983;A0RPWH;EUNL;XETR;ETF;ETF',
    'Active;Active;SAP SE;DE0007164600;716460;SAP;XETR;DAX;CS',
    'Active;Active;BROKEN;DE000716460X;716460;SAP;XETR;DAX;CS',
  ].join('\n');
  return {
    name: 'xetra',
    bytes: utf8(`${text}\n`),
    isins: ['BG9000011163', 'IE00B4L5Y983', 'DE0007164600'],
    invalid: [{ line: 7, code: 'CHECK_NOT_DIGIT' }],
  };
}

/** Euronext product directory: BOM, `;`, quoted header, 3 junk lines, trailing `;`, a quoted `;`. */
export function euronext(): Fixture {
  const text = [
    '"Instrument Fullname";"ESG Classification";Name;ISIN;Symbol;Market;Currency;"Open Price";"High Price";"low Price";"last Price";"last Trade MIC Time";"Time Zone";Volume;Turnover;"Closing Price";"Closing Price DateTime"',
    '"European Trackers"',
    '"10 Aug 2026"',
    '"All data is delayed by at least 15 minutes; see the disclaimer"',
    '"iShares $ Asia Investment Grade Corp Bond UCITS ETF USD (Acc)";"ESG ETF art. 8";"$Asia IG Corp US A";IE0007G78AC4;ASIG;"Euronext Amsterdam - Multi-currency Trading";USD;5.488;5.488;5.462;5.462;" 17:04";CET;23996;131434.674;5.465;',
    '"Leverage Shares -1x Short Disney ETP Securities";-;"-1X SHORT DIS";XS2337085422;SDIS;"Euronext Amsterdam";EUR;5.148;5.148;5.148;5.148;" 09:04";CET;0;0.00;5.26;',
    '"Quoted; semicolon ETF";-;"Q";"FR0004026250";QQ;"Euronext Paris";EUR;1;1;1;1;" 09:04";CET;0;0.00;1;',
  ].join('\n');
  return {
    name: 'euronext',
    bytes: utf8(`\uFEFF${text}\n`),
    isins: ['IE0007G78AC4', 'XS2337085422', 'FR0004026250'],
    invalid: [],
  };
}

/** SIX Swiss: `;`, ISO-8859-1 text in other columns. */
export function six(): Fixture {
  const text = [
    'ISIN;ValorSymbol;ShortName;FundLongName;IssuerNameFull;TradingCurrency;ManagementFee;MarketCode',
    'CH0008899764;CSSMI;iSh SMI (CH) CHF D;iShares SMI ETF (CH);BlackRock Asset Management Schweiz AG;CHF;0.35;XSWX',
    'CH1199067674;ZKB;ZKB Gold;Zürcher Kantonalbank Gold ETF;Zürcher Kantonalbank;CHF;0.40;XSWX',
  ].join('\r\n');
  return { name: 'six', bytes: latin1(`${text}\r\n`), isins: ['CH0008899764', 'CH1199067674'], invalid: [] };
}

/** Plain text: one ISIN per line, blanks, comments, lower case and padding (lenient mode). */
export function plainText(): Fixture {
  const text = [
    '# ISINs to watch',
    'US0378331005',
    '',
    '  us5949181045  ',
    'AU0000XVGZA3',
    '# end of block',
    'GB0002634946',
    'IE00-B4L5-Y983',
  ].join('\n');
  return {
    name: 'text',
    bytes: utf8(text),
    isins: ['US0378331005', 'US5949181045', 'AU0000XVGZA3', 'GB0002634946'],
    invalid: [{ line: 8, code: 'LENGTH' }],
  };
}
