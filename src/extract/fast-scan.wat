;; The extract scanner's fast path, in WebAssembly with 128-bit SIMD. `npm run build:wasm` compiles this file
;; into fast-scan-module.ts; src/extract/fast-scan.ts loads it and explains the contract.
;;
;; It runs the `Out` state of the JS scanner (src/extract/scanner.ts) over a window of bytes copied into
;; memory, and handles exactly what that state's inline path handles: brackets, strings without line breaks
;; (escapes included) and `"key": integer` with up to 15 digits. At anything else it stops at the opening
;; quote of that token ("bails") and the JS scanner takes the token from there, so both give the same output.
;; It never emits a match whose outcome could depend on bytes past the window.
;;
;; Memory layout (bytes):
;;   0x00000  input window, at most 0x20000 bytes, then slack for 32-byte loads
;;   0x20100  key count (i32), 0x20108 mask of key lengths (i64, bit n for length n); keys from 0x20110, 64 bytes each: length (i32), then up to 48 bytes
;;   0x21800  status: depth (i32), match count (i32), bailed (i32)
;;   0x22000  match values (f64), 0x8000 of them
;;   0x62000  match starts (i32), 0x82000 match ends (i32), 0xA2000 key indexes (i32)
(module
  (memory (export "memory") 16)

  ;; 1 for JSON whitespace and for what may end an integer (whitespace , } ]): bit 0 space, bit 1 int end.
  (func $space (param $c i32) (result i32)
    (i32.or
      (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
      (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09)))))

  (func $intEnd (param $c i32) (result i32)
    (i32.or
      (call $space (local.get $c))
      (i32.or
        (i32.eq (local.get $c) (i32.const 0x2c))
        (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x7d)))))

  ;; Index of the first key whose bytes equal [s, s + len), or -1.
  (func $matchKey (param $s i32) (param $len i32) (result i32)
    (local $k i32) (local $n i32) (local $e i32) (local $b i32)
    (local.set $n (i32.load (i32.const 0x20100)))
    (local.set $k (i32.const 0))
    (block $none
      (loop $keys
        (br_if $none (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $e (i32.add (i32.const 0x20110) (i32.shl (local.get $k) (i32.const 6))))
        (if (i32.eq (i32.load (local.get $e)) (local.get $len))
          (then
            (local.set $b (i32.const 0))
            (block $differ
              (loop $bytes
                (if (i32.ge_u (local.get $b) (local.get $len)) (then (return (local.get $k))))
                (br_if $differ
                  (i32.ne
                    (i32.load8_u (i32.add (local.get $s) (local.get $b)))
                    (i32.load8_u (i32.add (i32.add (local.get $e) (i32.const 4)) (local.get $b)))))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $bytes)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $keys)))
    (i32.const -1))

  ;; Depth after the brackets whose bits are set in $open and $close (16 bytes, in order). A `}` or `]` at
  ;; depth 0 is ignored; that can only happen when there are at least as many closing brackets as the depth,
  ;; else the counts give the answer at once.
  (func $depth (param $d i32) (param $open i32) (param $close i32) (result i32)
    (local $all i32) (local $bit i32)
    (if (i32.le_u (i32.popcnt (local.get $close)) (local.get $d))
      (then
        (return
          (i32.sub (i32.add (local.get $d) (i32.popcnt (local.get $open))) (i32.popcnt (local.get $close))))))
    (local.set $all (i32.or (local.get $open) (local.get $close)))
    (block $done
      (loop $brackets
        (br_if $done (i32.eqz (local.get $all)))
        (local.set $bit (i32.and (local.get $all) (i32.sub (i32.const 0) (local.get $all))))
        (if (i32.and (local.get $open) (local.get $bit))
          (then (local.set $d (i32.add (local.get $d) (i32.const 1))))
          (else
            (if (i32.gt_s (local.get $d) (i32.const 0))
              (then (local.set $d (i32.sub (local.get $d) (i32.const 1)))))))
        (local.set $all (i32.xor (local.get $all) (local.get $bit)))
        (br $brackets)))
    (local.get $d))

  ;; Scans [i, end) from the `Out` state at bracket depth $d. Returns where it stopped: `end`, a position
  ;; right after a match when the output is full, or (with bailed = 1) the opening quote of a token for JS.
  (func (export "scan") (param $i i32) (param $end i32) (param $d i32) (param $maxDigits i32) (result i32)
    (local $v v128) (local $w v128) (local $p i32) (local $c i32) (local $q i32) (local $s i32) (local $esc i32)
    (local $j i32) (local $k i32) (local $key i32) (local $first i32) (local $from i32) (local $digit i32)
    (local $value f64) (local $count i32)
    ;; Masks of the 32 bytes from $base (bits past `end` clear): quotes, other string stops (backslash, line
    ;; breaks), opening and closing brackets. Bits below the current position are cleared as it moves on.
    (local $base i32) (local $quotes i32) (local $stops i32) (local $opens i32) (local $closes i32)
    (local.set $base (i32.const -64))
    (block $bail
      (loop $out
        (if (i32.lt_u (i32.sub (local.get $i) (local.get $base)) (i32.const 32))
          (then
            (local.set $c (i32.shl (i32.const -1) (i32.sub (local.get $i) (local.get $base))))
            (local.set $quotes (i32.and (local.get $quotes) (local.get $c)))
            (local.set $stops (i32.and (local.get $stops) (local.get $c)))
            (local.set $opens (i32.and (local.get $opens) (local.get $c)))
            (local.set $closes (i32.and (local.get $closes) (local.get $c))))
          (else
            (if (i32.ge_u (local.get $i) (local.get $end))
              (then
                (i32.store (i32.const 0x21800) (local.get $d))
                (i32.store (i32.const 0x21804) (local.get $count))
                (i32.store (i32.const 0x21808) (i32.const 0))
                (return (local.get $end))))
            (local.set $base (local.get $i))
            (local.set $v (v128.load (local.get $i)))
            (local.set $w (v128.load offset=16 (local.get $i)))
            (local.set $quotes
              (i32.or
                (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22))))
                (i32.shl (i8x16.bitmask (i8x16.eq (local.get $w) (i8x16.splat (i32.const 0x22)))) (i32.const 16))))
            (local.set $stops
              (i32.or
                (i8x16.bitmask
                  (v128.or
                    (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c)))
                    (v128.or
                      (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x0a)))
                      (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x0d))))))
                (i32.shl
                  (i8x16.bitmask
                    (v128.or
                      (i8x16.eq (local.get $w) (i8x16.splat (i32.const 0x5c)))
                      (v128.or
                        (i8x16.eq (local.get $w) (i8x16.splat (i32.const 0x0a)))
                        (i8x16.eq (local.get $w) (i8x16.splat (i32.const 0x0d))))))
                  (i32.const 16))))
            ;; `{` and `[` differ only in bit 0x20, and so do `}` and `]`.
            (local.set $v (v128.or (local.get $v) (i8x16.splat (i32.const 0x20))))
            (local.set $w (v128.or (local.get $w) (i8x16.splat (i32.const 0x20))))
            (local.set $opens
              (i32.or
                (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x7b))))
                (i32.shl (i8x16.bitmask (i8x16.eq (local.get $w) (i8x16.splat (i32.const 0x7b)))) (i32.const 16))))
            (local.set $closes
              (i32.or
                (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x7d))))
                (i32.shl (i8x16.bitmask (i8x16.eq (local.get $w) (i8x16.splat (i32.const 0x7d)))) (i32.const 16))))
            ;; Bytes past the window are not input.
            (if (i32.lt_u (i32.sub (local.get $end) (local.get $i)) (i32.const 32))
              (then
                (local.set $c (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $i))) (i32.const 1)))
                (local.set $quotes (i32.and (local.get $quotes) (local.get $c)))
                (local.set $stops (i32.and (local.get $stops) (local.get $c)))
                (local.set $opens (i32.and (local.get $opens) (local.get $c)))
                (local.set $closes (i32.and (local.get $closes) (local.get $c)))))))
        ;; No quote in the block: count its brackets and go on to the next block.
        (if (i32.eqz (local.get $quotes))
          (then
            (local.set $d (call $depth (local.get $d) (local.get $opens) (local.get $closes)))
            (local.set $i (i32.add (local.get $base) (i32.const 32)))
            (br $out)))
        ;; The brackets before the first quote, which opens a string.
        (local.set $p (i32.ctz (local.get $quotes)))
        (local.set $c (i32.sub (i32.shl (i32.const 1) (local.get $p)) (i32.const 1)))
        (local.set $k (i32.popcnt (i32.and (local.get $closes) (local.get $c))))
        (if (i32.le_u (local.get $k) (local.get $d))
          (then
            (local.set $d
              (i32.sub (i32.add (local.get $d) (i32.popcnt (i32.and (local.get $opens) (local.get $c)))) (local.get $k))))
          (else
            (local.set $d
              (call $depth (local.get $d)
                (i32.and (local.get $opens) (local.get $c))
                (i32.and (local.get $closes) (local.get $c))))))
        (local.set $q (i32.add (local.get $base) (local.get $p)))
        (local.set $s (i32.add (local.get $q) (i32.const 1)))
        (local.set $esc (i32.const 0))
        (block $closed
          ;; Usually the closing quote is in the block, with no other stop before it.
          (local.set $c (i32.shl (i32.const -2) (local.get $p)))
          (local.set $k (i32.ctz (i32.and (local.get $quotes) (local.get $c))))
          (if (i32.lt_u (local.get $k) (i32.ctz (i32.and (local.get $stops) (local.get $c))))
            (then
              (local.set $i (i32.add (local.get $base) (local.get $k)))
              (br $closed)))
          ;; Else find it from the string's start, escapes and all.
          (local.set $i (local.get $s))
          (loop $string
            (local.set $v (v128.load (local.get $i)))
            (local.set $p
              (i8x16.bitmask
                (v128.or
                  (v128.or
                    (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
                    (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
                  (v128.or
                    (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x0a)))
                    (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x0d)))))))
            (if (i32.eqz (local.get $p))
              (then
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br_if $bail (i32.ge_u (local.get $i) (local.get $end)))
                (br $string)))
            (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $p))))
            (br_if $bail (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $c (i32.load8_u (local.get $i)))
            (br_if $closed (i32.eq (local.get $c) (i32.const 0x22)))
            ;; A line break (the JS scanner resynchronises) or a backslash without its next byte here.
            (br_if $bail (i32.ne (local.get $c) (i32.const 0x5c)))
            (br_if $bail (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
            (local.set $c (i32.load8_u (i32.add (local.get $i) (i32.const 1))))
            (br_if $bail (i32.or (i32.eq (local.get $c) (i32.const 0x0a)) (i32.eq (local.get $c) (i32.const 0x0d))))
            (local.set $esc (i32.const 1))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $string)))
        ;; $i is the closing quote; $s .. $i the content.
        (local.set $j (i32.add (local.get $i) (i32.const 1)))
        (if (local.get $esc)
          (then
            (if (i32.gt_s (local.get $d) (i32.const 0))
              (then
                ;; A possible key with escapes: the JS scanner decodes it when a `:` follows.
                (block $spaced
                  (loop $spaces
                    (br_if $bail (i32.ge_u (local.get $j) (local.get $end)))
                    (br_if $spaced (i32.eqz (call $space (i32.load8_u (local.get $j)))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $spaces)))
                (br_if $bail (i32.eq (i32.load8_u (local.get $j)) (i32.const 0x3a)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $out)))
        (if (i32.le_s (local.get $d) (i32.const 0))
          (then
            (local.set $i (local.get $j))
            (br $out)))
        ;; A length no key has is the common case: one bit test (the table keeps a mask of key lengths).
        (local.set $key (i32.const -1))
        (if (i32.wrap_i64
              (i64.and
                (i64.shr_u (i64.load (i32.const 0x20108)) (i64.extend_i32_u (i32.sub (local.get $i) (local.get $s))))
                (i64.const 1)))
          (then (local.set $key (call $matchKey (local.get $s) (i32.sub (local.get $i) (local.get $s))))))
        (if (i32.lt_s (local.get $key) (i32.const 0))
          (then
            (local.set $i (local.get $j))
            (br $out)))
        ;; `"key": integer` with its end inside the window, else the JS scanner's general states take the key.
        (block $colon
          ;; Usually the colon comes right after the quote.
          (br_if $colon (i32.and (i32.lt_u (local.get $j) (local.get $end)) (i32.eq (i32.load8_u (local.get $j)) (i32.const 0x3a))))
          (loop $spaces1
            (br_if $bail (i32.ge_u (local.get $j) (local.get $end)))
            (br_if $colon (i32.eqz (call $space (i32.load8_u (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $spaces1)))
        (br_if $bail (i32.ne (i32.load8_u (local.get $j)) (i32.const 0x3a)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (block $value
          (br_if $value
            (i32.and
              (i32.lt_u (local.get $j) (local.get $end))
              (i32.lt_u (i32.sub (i32.load8_u (local.get $j)) (i32.const 0x2d)) (i32.const 13))))
          (loop $spaces2
            (br_if $bail (i32.ge_u (local.get $j) (local.get $end)))
            (br_if $value (i32.eqz (call $space (i32.load8_u (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $spaces2)))
        (local.set $first (i32.load8_u (local.get $j)))
        (local.set $k (local.get $j))
        (if (i32.eq (local.get $first) (i32.const 0x2d)) (then (local.set $k (i32.add (local.get $k) (i32.const 1)))))
        (local.set $from (local.get $k))
        (local.set $value (f64.const 0))
        (block $digits
          (loop $number
            (br_if $bail (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $digit (i32.sub (i32.load8_u (local.get $k)) (i32.const 0x30)))
            (br_if $digits (i32.gt_u (local.get $digit) (i32.const 9)))
            (local.set $value
              (f64.add (f64.mul (local.get $value) (f64.const 10)) (f64.convert_i32_u (local.get $digit))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $number)))
        (local.set $digit (i32.sub (local.get $k) (local.get $from)))
        (br_if $bail (i32.eqz (local.get $digit)))
        (br_if $bail (i32.gt_u (local.get $digit) (local.get $maxDigits)))
        (br_if $bail (i32.eqz (call $intEnd (i32.load8_u (local.get $k)))))
        (br_if $bail
          (i32.and
            (i32.gt_u (local.get $digit) (i32.const 1))
            (i32.eq (i32.load8_u (local.get $from)) (i32.const 0x30))))
        ;; `+ 0` turns -0 into 0, as in the JS scanner.
        (if (i32.eq (local.get $first) (i32.const 0x2d))
          (then (local.set $value (f64.add (f64.neg (local.get $value)) (f64.const 0)))))
        (f64.store (i32.add (i32.const 0x22000) (i32.shl (local.get $count) (i32.const 3))) (local.get $value))
        (i32.store (i32.add (i32.const 0x62000) (i32.shl (local.get $count) (i32.const 2))) (local.get $j))
        (i32.store (i32.add (i32.const 0x82000) (i32.shl (local.get $count) (i32.const 2))) (local.get $k))
        (i32.store (i32.add (i32.const 0xa2000) (i32.shl (local.get $count) (i32.const 2))) (local.get $key))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $i (local.get $k))
        (if (i32.eq (local.get $count) (i32.const 0x8000))
          (then
            (i32.store (i32.const 0x21800) (local.get $d))
            (i32.store (i32.const 0x21804) (local.get $count))
            (i32.store (i32.const 0x21808) (i32.const 0))
            (return (local.get $i))))
        (br $out)))
    ;; Bail: the JS scanner takes the token that starts at $q.
    (i32.store (i32.const 0x21800) (local.get $d))
    (i32.store (i32.const 0x21804) (local.get $count))
    (i32.store (i32.const 0x21808) (i32.const 1))
    (local.get $q)))
