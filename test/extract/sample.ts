/**
 * The assignment's sample response: order ids 1–11 and 648–653, then an error whose message holds the
 * numbers 2 and 153 inside a string. The expected extraction is the ids and the error code, in order.
 */
export const SAMPLE =
  '{"orders":[{"id":1},{"id":2},{"id":3},{"id":4},{"id":5},{"id":6},{"id":7},{"id":8},{"id":9},{"id":10},' +
  '{"id":11},{"id":648},{"id":649},{"id":650},{"id":651},{"id":652},{"id":653}],"errors":[{"code":3,' +
  '"message":"[PHP Warning #2] count(): Parameter must be an array or an object that implements Countable (153)"}]}';

/** What `extractIds(SAMPLE)` must return. */
export const SAMPLE_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 648, 649, 650, 651, 652, 653, 3];

/** The sample pretty-printed: newlines and indentation inside the JSON. */
export const SAMPLE_PRETTY = JSON.stringify(JSON.parse(SAMPLE), null, 2);

/** The sample behind a PHP `display_errors` warning whose text holds a quote and `"id":77`. */
export const SAMPLE_WITH_WARNING =
  '<br />\n<b>Warning</b>:  Undefined array key "id":77 in <b>/var/www/api.php</b> on line <b>12</b><br />\n' +
  '<b>Notice</b>: stray " quote here\n' +
  SAMPLE;
