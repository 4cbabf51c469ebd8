;; Ascent's WebAssembly SIMD kernels (plain 128-bit SIMD, no relaxed-SIMD: every result
;; is bit-identical from run to run). All matrices are row-major float32 in linear
;; memory; pointers are byte offsets, sizes are element counts. The caller (kernels/wasm.ts)
;; lays the operands out 16-byte aligned and pads every vector to a multiple of 4 floats.
;;
;; gemm:          C[m×n] += A·B, A[i,p] at a + 4(i·rsA + p·csA), B k×n, C m×n.
;;                (rsA, csA) = (k, 1) gives A·B; (1, m) gives Aᵀ·B for A stored k×m.
;;                Register-blocked 2 rows × 16 columns: 8 f32x4 accumulators, B row
;;                loaded once per p, A broadcast with v128.load32_splat. Measured here
;;                faster than 4×8, 5×8, 6×8, 3×12 and 1×16 blocks. In panels of 256
;;                steps of p (each element still summed in order of p).
;; gemm_abt:      C[m×n] += A[m×kp]·B[n×kp]ᵀ (rows zero-padded to a multiple of 4 by the
;;                caller): Bᵀ into scratch and gemm for outputs of ≥ 16 columns or inputs
;;                of ≤ 8, else $abt_dots: dot products along kp in blocks of 2 rows × 4
;;                rows, 8 partial sums reduced by shuffles.
;; transpose:     dst[c×r] = src[r×c]ᵀ (4 × 4 shuffle blocks when r and c are multiples of 4).
;; linear_fwd:    y = x·Wᵀ + b (bias rows copied, then gemm_abt).
;; tanh:          y = tanh x on ⌈n/4⌉ vectors: a rational approximation x·P(x²)/Q(x²)
;;                (degrees 13/6) on x clamped to [−9, 9], see the function; max relative
;;                error vs Math.tanh ≤ 3.1e-7 (tested ≤ 1e-6).
;; relu:          y = max(x, 0) on ⌈n/4⌉ vectors (NaN propagates).
;; dense_fwd:     y = act(x·Wᵀ + b) in one call (act: 0 none, 1 tanh, 2 relu).
;; act_bwd:       gz = g ⊙ act'(z), from y = act(z): tanh 1 − y², relu [y > 0].
;; colsum:        s[j] += Σᵢ g[i, j] (bias gradients), for a row stride n ≡ 0 mod 4.
;; adam:          one Adam step in float32 on ⌈n/4⌉ vectors of the gradient scaled by
;;                gs (gradient clipping): g ← float32(gs·g), m = β₁m + (1−β₁)g,
;;                v = β₂v + (1−β₂)g², d −= s·m/(√v·c + ε) (s = lr/(1−β₁ᵗ), c = 1/√(1−β₂ᵗ)).
(module
  (memory (export "memory") 16)

  ;; ---------------------------------------------------------------- gemm
  ;; The product in panels of KC = 256 steps of p: each panel's rows of A and B stay in
  ;; cache while every register block of C passes over them (a weight gradient, k = the
  ;; batch's rows, otherwise streams all of A and B from memory once per block). Every
  ;; element is still summed in order of p: a block's accumulators are stored after one
  ;; panel and reloaded for the next, exactly, so the result is the unpanelled one's.
  (func $gemm (export "gemm")
    (param $a i32) (param $rsA i32) (param $csA i32) (param $b i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32)
    (local $p0 i32) (local $kc i32)
    (block $done
      (loop $panels
        (br_if $done (i32.ge_u (local.get $p0) (local.get $k)))
        (local.set $kc (i32.sub (local.get $k) (local.get $p0)))
        (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
        (call $gemmPanel
          (i32.add (local.get $a) (i32.shl (i32.mul (local.get $p0) (local.get $csA)) (i32.const 2)))
          (local.get $rsA) (local.get $csA)
          (i32.add (local.get $b) (i32.shl (i32.mul (local.get $p0) (local.get $n)) (i32.const 2)))
          (local.get $c) (local.get $m) (local.get $kc) (local.get $n))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 256)))
        (br $panels))))

  ;; C[m×n] += A·B for one panel (k ≥ 1).
  (func $gemmPanel
    (param $a i32) (param $rsA i32) (param $csA i32) (param $b i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $j i32) (local $p i32)
    (local $rs i32) (local $cs i32) (local $n4 i32) (local $arow i32) (local $pb i32)
    (local $pa0 i32) (local $pa1 i32)
    (local $pc0 i32) (local $pc1 i32)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128) (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $s v128)
    (local.set $rs (i32.shl (local.get $rsA) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $csA) (i32.const 2)))
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    ;; blocks of 2 rows
    (block $rowsBdone
      (loop $rowsB
        (br_if $rowsBdone (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $m)))
        (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $j (i32.const 0))
        (block $colsBdone
          (loop $colsB
            (br_if $colsBdone (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
            (local.set $pa0 (local.get $arow))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $rs)))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $pc0 (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
            (local.set $pc1 (i32.add (local.get $pc0) (local.get $n4)))
            (local.set $c00 (v128.load (local.get $pc0)))
            (local.set $c01 (v128.load offset=16 (local.get $pc0)))
            (local.set $c02 (v128.load offset=32 (local.get $pc0)))
            (local.set $c03 (v128.load offset=48 (local.get $pc0)))
            (local.set $c10 (v128.load (local.get $pc1)))
            (local.set $c11 (v128.load offset=16 (local.get $pc1)))
            (local.set $c12 (v128.load offset=32 (local.get $pc1)))
            (local.set $c13 (v128.load offset=48 (local.get $pc1)))
            (local.set $p (local.get $k))
            (loop $inner
              (local.set $b0 (v128.load (local.get $pb)))
              (local.set $b1 (v128.load offset=16 (local.get $pb)))
              (local.set $b2 (v128.load offset=32 (local.get $pb)))
              (local.set $b3 (v128.load offset=48 (local.get $pb)))
              (local.set $s (v128.load32_splat (local.get $pa0)))
              (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $c02 (f32x4.add (local.get $c02) (f32x4.mul (local.get $s) (local.get $b2))))
              (local.set $c03 (f32x4.add (local.get $c03) (f32x4.mul (local.get $s) (local.get $b3))))
              (local.set $s (v128.load32_splat (local.get $pa1)))
              (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $c12 (f32x4.add (local.get $c12) (f32x4.mul (local.get $s) (local.get $b2))))
              (local.set $c13 (f32x4.add (local.get $c13) (f32x4.mul (local.get $s) (local.get $b3))))
              (local.set $pa0 (i32.add (local.get $pa0) (local.get $cs)))
              (local.set $pa1 (i32.add (local.get $pa1) (local.get $cs)))
              (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
              (local.set $p (i32.sub (local.get $p) (i32.const 1)))
              (br_if $inner (local.get $p)))
            (v128.store (local.get $pc0) (local.get $c00))
            (v128.store offset=16 (local.get $pc0) (local.get $c01))
            (v128.store offset=32 (local.get $pc0) (local.get $c02))
            (v128.store offset=48 (local.get $pc0) (local.get $c03))
            (v128.store (local.get $pc1) (local.get $c10))
            (v128.store offset=16 (local.get $pc1) (local.get $c11))
            (v128.store offset=32 (local.get $pc1) (local.get $c12))
            (v128.store offset=48 (local.get $pc1) (local.get $c13))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $colsB)))
        ;; remaining columns of these 2 rows, one row at a time
        (call $rowTail (i32.add (local.get $arow) (i32.mul (local.get $rs) (i32.const 0)))
          (local.get $cs) (local.get $b) (local.get $c) (i32.add (local.get $i) (i32.const 0))
          (local.get $j) (local.get $k) (local.get $n))
        (call $rowTail (i32.add (local.get $arow) (i32.mul (local.get $rs) (i32.const 1)))
          (local.get $cs) (local.get $b) (local.get $c) (i32.add (local.get $i) (i32.const 1))
          (local.get $j) (local.get $k) (local.get $n))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rowsB)))
    ;; remaining rows, whole width
    (block $rowsdone
      (loop $rows
        (br_if $rowsdone (i32.ge_u (local.get $i) (local.get $m)))
        (call $rowTail (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs)))
          (local.get $cs) (local.get $b) (local.get $c) (local.get $i) (i32.const 0)
          (local.get $k) (local.get $n))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; One row i of C from column j0 to n: 8, then 4, then 1 column at a time.
  ;; $arow points at A[i, 0]; $cs is the byte step of A along p.
  (func $rowTail
    (param $arow i32) (param $cs i32) (param $b i32) (param $c i32)
    (param $i i32) (param $j0 i32) (param $k i32) (param $n i32)
    (local $j i32) (local $p i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $n4 i32)
    (local $c0 v128) (local $c1 v128) (local $s v128) (local $acc f32)
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (local.get $j0))
    (block $done8
      (loop $cols8
        (br_if $done8 (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        (local.set $pa (local.get $arow))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $pc (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (local.set $c0 (v128.load (local.get $pc)))
        (local.set $c1 (v128.load offset=16 (local.get $pc)))
        (local.set $p (local.get $k))
        (loop $inner
          (local.set $s (v128.load32_splat (local.get $pa)))
          (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $s) (v128.load (local.get $pb)))))
          (local.set $c1 (f32x4.add (local.get $c1)
            (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (local.get $cs)))
          (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
          (local.set $p (i32.sub (local.get $p) (i32.const 1)))
          (br_if $inner (local.get $p)))
        (v128.store (local.get $pc) (local.get $c0))
        (v128.store offset=16 (local.get $pc) (local.get $c1))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $cols8)))
    (block $done4
      (loop $cols4
        (br_if $done4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $pa (local.get $arow))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $pc (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (local.set $c0 (v128.load (local.get $pc)))
        (local.set $p (local.get $k))
        (loop $inner
          (local.set $c0 (f32x4.add (local.get $c0)
            (f32x4.mul (v128.load32_splat (local.get $pa)) (v128.load (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (local.get $cs)))
          (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
          (local.set $p (i32.sub (local.get $p) (i32.const 1)))
          (br_if $inner (local.get $p)))
        (v128.store (local.get $pc) (local.get $c0))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols4)))
    (block $done1
      (loop $cols1
        (br_if $done1 (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $pa (local.get $arow))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $pc (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (local.set $acc (f32.load (local.get $pc)))
        (local.set $p (local.get $k))
        (loop $inner
          (local.set $acc (f32.add (local.get $acc)
            (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (local.get $cs)))
          (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
          (local.set $p (i32.sub (local.get $p) (i32.const 1)))
          (br_if $inner (local.get $p)))
        (f32.store (local.get $pc) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols1))))

  ;; ---------------------------------------------------------------- gemm_abt
  ;; C[m×n] += A[m×kp]·B[n×kp]ᵀ as dot products along kp (a multiple of 4: the caller
  ;; zero-pads the rows), without transposing B. Blocks of 2 rows of A × 4 rows of B:
  ;; 8 f32x4 partial sums, reduced by $hsum4. Every element is summed in the same order
  ;; (lane-wise along p, then (l0+l2)+(l1+l3)) whichever block or tail computes it, so a
  ;; row's result does not depend on the batch it is in.
  (func $hsum4 (param $a v128) (param $b v128) (param $c v128) (param $d v128) (result v128)
    (local $ab v128) (local $cd v128)
    (local.set $ab (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b))))
    (local.set $cd (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $d))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $d))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ab) (local.get $cd))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ab) (local.get $cd))))

  ;; Σ_p A[p]·B[p] over kp floats (kp a multiple of 4), summed as $hsum4 does.
  (func $dot (param $pa i32) (param $pb i32) (param $kp i32) (result f32)
    (local $acc v128) (local $q i32)
    (local.set $q (i32.shr_u (local.get $kp) (i32.const 2)))
    (loop $lp
      (local.set $acc (f32x4.add (local.get $acc)
        (f32x4.mul (v128.load (local.get $pa)) (v128.load (local.get $pb)))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
      (local.set $q (i32.sub (local.get $q) (i32.const 1)))
      (br_if $lp (local.get $q)))
    ;; [l0+l2, l1+l3, ·, ·] then (l0+l2)+(l1+l3)
    (local.set $acc (f32x4.add (local.get $acc)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $acc) (local.get $acc))))
    (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))))

  ;; One row of A against rows j0.. of B: blocks of 4 rows of B, then single dots.
  (func $abtRow (param $pa i32) (param $b i32) (param $pc i32) (param $j0 i32) (param $kp i32)
    (param $n i32)
    (local $j i32) (local $q i32) (local $kb i32) (local $x v128) (local $o i32)
    (local $pb0 i32) (local $pb1 i32) (local $pb2 i32) (local $pb3 i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $kb (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $j (local.get $j0))
    (block $done4
      (loop $cols4
        (br_if $done4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb))))
        (local.set $pb1 (i32.add (local.get $pb0) (local.get $kb)))
        (local.set $pb2 (i32.add (local.get $pb1) (local.get $kb)))
        (local.set $pb3 (i32.add (local.get $pb2) (local.get $kb)))
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $s2 (v128.const i32x4 0 0 0 0))
        (local.set $s3 (v128.const i32x4 0 0 0 0))
        (local.set $o (i32.const 0))
        (local.set $q (i32.shr_u (local.get $kp) (i32.const 2)))
        (loop $inner
          (local.set $x (v128.load (i32.add (local.get $pa) (local.get $o))))
          (local.set $s0 (f32x4.add (local.get $s0)
            (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $pb0) (local.get $o))))))
          (local.set $s1 (f32x4.add (local.get $s1)
            (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $pb1) (local.get $o))))))
          (local.set $s2 (f32x4.add (local.get $s2)
            (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $pb2) (local.get $o))))))
          (local.set $s3 (f32x4.add (local.get $s3)
            (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $pb3) (local.get $o))))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (local.set $q (i32.sub (local.get $q) (i32.const 1)))
          (br_if $inner (local.get $q)))
        (v128.store (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2)))
          (f32x4.add (v128.load (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))))
            (call $hsum4 (local.get $s0) (local.get $s1) (local.get $s2) (local.get $s3))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols4)))
    (block $done1
      (loop $cols1
        (br_if $done1 (i32.ge_u (local.get $j) (local.get $n)))
        (f32.store (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2)))
          (f32.add (f32.load (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))))
            (call $dot (local.get $pa) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb)))
              (local.get $kp))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols1))))

  (func $abt_dots
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $kp i32) (param $n i32)
    (local $i i32) (local $j i32) (local $q i32) (local $kb i32) (local $o i32) (local $n4 i32)
    (local $pa0 i32) (local $pa1 i32) (local $pc i32)
    (local $pb0 i32) (local $pb1 i32) (local $pb2 i32) (local $pb3 i32)
    (local $x0 v128) (local $x1 v128) (local $w v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $kb (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $rows2done
      (loop $rows2
        (br_if $rows2done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $m)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kb))))
        (local.set $pa1 (i32.add (local.get $pa0) (local.get $kb)))
        (local.set $pc (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $n4))))
        (local.set $j (i32.const 0))
        (block $cols4done
          (loop $cols4
            (br_if $cols4done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb))))
            (local.set $pb1 (i32.add (local.get $pb0) (local.get $kb)))
            (local.set $pb2 (i32.add (local.get $pb1) (local.get $kb)))
            (local.set $pb3 (i32.add (local.get $pb2) (local.get $kb)))
            (local.set $s00 (v128.const i32x4 0 0 0 0))
            (local.set $s01 (v128.const i32x4 0 0 0 0))
            (local.set $s02 (v128.const i32x4 0 0 0 0))
            (local.set $s03 (v128.const i32x4 0 0 0 0))
            (local.set $s10 (v128.const i32x4 0 0 0 0))
            (local.set $s11 (v128.const i32x4 0 0 0 0))
            (local.set $s12 (v128.const i32x4 0 0 0 0))
            (local.set $s13 (v128.const i32x4 0 0 0 0))
            (local.set $o (i32.const 0))
            (local.set $q (i32.shr_u (local.get $kp) (i32.const 2)))
            (loop $inner
              (local.set $x0 (v128.load (i32.add (local.get $pa0) (local.get $o))))
              (local.set $x1 (v128.load (i32.add (local.get $pa1) (local.get $o))))
              (local.set $w (v128.load (i32.add (local.get $pb0) (local.get $o))))
              (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $w))))
              (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $w))))
              (local.set $w (v128.load (i32.add (local.get $pb1) (local.get $o))))
              (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $w))))
              (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $w))))
              (local.set $w (v128.load (i32.add (local.get $pb2) (local.get $o))))
              (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $x0) (local.get $w))))
              (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $x1) (local.get $w))))
              (local.set $w (v128.load (i32.add (local.get $pb3) (local.get $o))))
              (local.set $s03 (f32x4.add (local.get $s03) (f32x4.mul (local.get $x0) (local.get $w))))
              (local.set $s13 (f32x4.add (local.get $s13) (f32x4.mul (local.get $x1) (local.get $w))))
              (local.set $o (i32.add (local.get $o) (i32.const 16)))
              (local.set $q (i32.sub (local.get $q) (i32.const 1)))
              (br_if $inner (local.get $q)))
            (v128.store (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2)))
              (f32x4.add (v128.load (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))))
                (call $hsum4 (local.get $s00) (local.get $s01) (local.get $s02) (local.get $s03))))
            (v128.store (i32.add (i32.add (local.get $pc) (local.get $n4)) (i32.shl (local.get $j) (i32.const 2)))
              (f32x4.add
                (v128.load (i32.add (i32.add (local.get $pc) (local.get $n4)) (i32.shl (local.get $j) (i32.const 2))))
                (call $hsum4 (local.get $s10) (local.get $s11) (local.get $s12) (local.get $s13))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols4)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows2)))
    ;; an odd last row: its column quads
    (if (i32.lt_u (local.get $i) (local.get $m))
      (then
        (call $abtRow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kb))) (local.get $b)
          (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $n4))) (i32.const 0)
          (local.get $kp) (i32.and (local.get $n) (i32.const -4)))))
    ;; the last n mod 4 columns, for every row
    (call $abtColTail (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $kp)
      (local.get $n) (i32.and (local.get $n) (i32.const -4))))

  ;; Columns j0..n−1 of C += A·Bᵀ for all rows: blocks of 4 rows of A against one row of B
  ;; (4 partial sums, reduced by $hsum4 into the 4 rows' values), then single dots.
  (func $abtColTail (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $kp i32)
    (param $n i32) (param $j0 i32)
    (local $i i32) (local $j i32) (local $q i32) (local $o i32) (local $kb i32) (local $n4 i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32) (local $pc i32)
    (local $w v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $r v128)
    (local.set $kb (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (local.get $j0))
    (block $colsDone
      (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb))))
        (local.set $i (i32.const 0))
        (block $rows4done
          (loop $rows4
            (br_if $rows4done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kb))))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $kb)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $kb)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $kb)))
            (local.set $s0 (v128.const i32x4 0 0 0 0))
            (local.set $s1 (v128.const i32x4 0 0 0 0))
            (local.set $s2 (v128.const i32x4 0 0 0 0))
            (local.set $s3 (v128.const i32x4 0 0 0 0))
            (local.set $o (i32.const 0))
            (local.set $q (i32.shr_u (local.get $kp) (i32.const 2)))
            (loop $inner
              (local.set $w (v128.load (i32.add (local.get $pb) (local.get $o))))
              (local.set $s0 (f32x4.add (local.get $s0)
                (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $pa0) (local.get $o))))))
              (local.set $s1 (f32x4.add (local.get $s1)
                (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $pa1) (local.get $o))))))
              (local.set $s2 (f32x4.add (local.get $s2)
                (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $pa2) (local.get $o))))))
              (local.set $s3 (f32x4.add (local.get $s3)
                (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $pa3) (local.get $o))))))
              (local.set $o (i32.add (local.get $o) (i32.const 16)))
              (local.set $q (i32.sub (local.get $q) (i32.const 1)))
              (br_if $inner (local.get $q)))
            (local.set $r (call $hsum4 (local.get $s0) (local.get $s1) (local.get $s2) (local.get $s3)))
            (local.set $pc (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
            (f32.store (local.get $pc) (f32.add (f32.load (local.get $pc)) (f32x4.extract_lane 0 (local.get $r))))
            (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
            (f32.store (local.get $pc) (f32.add (f32.load (local.get $pc)) (f32x4.extract_lane 1 (local.get $r))))
            (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
            (f32.store (local.get $pc) (f32.add (f32.load (local.get $pc)) (f32x4.extract_lane 2 (local.get $r))))
            (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
            (f32.store (local.get $pc) (f32.add (f32.load (local.get $pc)) (f32x4.extract_lane 3 (local.get $r))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $rows4)))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $pc (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
            (f32.store (local.get $pc) (f32.add (f32.load (local.get $pc))
              (call $dot (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kb))) (local.get $pb)
                (local.get $kp))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols))))

  ;; ---------------------------------------------------------------- transpose
  (func $transpose (export "transpose")
    (param $src i32) (param $dst i32) (param $r i32) (param $c i32)
    (local $i i32) (local $j i32) (local $ps i32) (local $pd i32) (local $r4 i32) (local $c4 i32)
    (local $a v128) (local $b v128) (local $x v128) (local $y v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r4 (i32.shl (local.get $r) (i32.const 2)))
    (local.set $c4 (i32.shl (local.get $c) (i32.const 2)))
    ;; both sides multiples of 4 (every padded weight matrix with ≥ 4 rows): 4 × 4 blocks,
    ;; four row loads, eight shuffles and four column stores each
    (if (i32.eqz (i32.and (i32.or (local.get $r) (local.get $c)) (i32.const 3)))
      (then
        (local.set $i (i32.const 0))
        (block $bdone
          (loop $brows
            (br_if $bdone (i32.ge_u (local.get $i) (local.get $r)))
            (local.set $j (i32.const 0))
            (loop $bcols
              (local.set $ps (i32.add (local.get $src)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $c)) (local.get $j)) (i32.const 2))))
              (local.set $a (v128.load (local.get $ps)))
              (local.set $b (v128.load (i32.add (local.get $ps) (local.get $c4))))
              (local.set $x (v128.load (i32.add (local.get $ps) (i32.shl (local.get $c4) (i32.const 1)))))
              (local.set $y (v128.load (i32.add (local.get $ps) (i32.mul (local.get $c4) (i32.const 3)))))
              ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = x0 y0 x1 y1, t3 = x2 y2 x3 y3
              (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
              (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
              (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x) (local.get $y)))
              (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x) (local.get $y)))
              (local.set $pd (i32.add (local.get $dst)
                (i32.shl (i32.add (i32.mul (local.get $j) (local.get $r)) (local.get $i)) (i32.const 2))))
              (v128.store (local.get $pd)
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
              (v128.store (i32.add (local.get $pd) (local.get $r4))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
              (v128.store (i32.add (local.get $pd) (i32.shl (local.get $r4) (i32.const 1)))
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
              (v128.store (i32.add (local.get $pd) (i32.mul (local.get $r4) (i32.const 3)))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
              (local.set $j (i32.add (local.get $j) (i32.const 4)))
              (br_if $bcols (i32.lt_u (local.get $j) (local.get $c))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $brows)))
        (return)))
    (local.set $ps (local.get $src))
    (local.set $i (i32.const 0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $r)))
        (local.set $pd (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $j (local.get $c))
        (loop $cols
          (f32.store (local.get $pd) (f32.load (local.get $ps)))
          (local.set $ps (i32.add (local.get $ps) (i32.const 4)))
          (local.set $pd (i32.add (local.get $pd) (local.get $r4)))
          (local.set $j (i32.sub (local.get $j) (i32.const 1)))
          (br_if $cols (local.get $j)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

;; ---------------------------------------------------------------- A·Bᵀ, the faster form
  ;; gemm_abt: C[m×n] += A[m×kp]·B[n×kp]ᵀ; $bt is scratch for Bᵀ (kp×n floats). Bᵀ and the
  ;; A·B kernel when its 2 × 16 register blocks cover the output (n ≥ 16: about 20 % faster
  ;; than the dot products at 64 inputs) or the inputs are narrow (kp ≤ 8: dot products of
  ;; length ≤ 8 are slow); the transpose costs kp·n moves against m·kp·n multiply-adds.
  ;; Narrow outputs (logits, values) keep the dot products. The choice depends on the
  ;; shapes, never on m.
  (func $gemm_abt (export "gemm_abt")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $kp i32) (param $n i32)
    (param $bt i32)
    (if (i32.or (i32.le_u (local.get $kp) (i32.const 8)) (i32.ge_u (local.get $n) (i32.const 16)))
      (then
        (call $transpose (local.get $b) (local.get $bt) (local.get $n) (local.get $kp))
        (call $gemm (local.get $a) (local.get $kp) (i32.const 1) (local.get $bt) (local.get $c)
          (local.get $m) (local.get $kp) (local.get $n)))
      (else
        (call $abt_dots (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $kp)
          (local.get $n)))))

  ;; ---------------------------------------------------------------- linear forward
  ;; y[rows×out] = x[rows×kp]·W[out×kp]ᵀ + b (rows of x and W zero-padded to kp, a
  ;; multiple of 4); $b < 0 means no bias; $wt is scratch for Wᵀ (kp×out floats).
  (func $linear_fwd (export "linear_fwd")
    (param $x i32) (param $w i32) (param $b i32) (param $y i32)
    (param $rows i32) (param $kp i32) (param $out i32) (param $wt i32)
    (local $bytes i32) (local $filled i32) (local $n i32)
    (local.set $bytes (i32.shl (local.get $out) (i32.const 2)))
    ;; y = 0, or every row = b: the bias in row 0, then the filled rows copied onto the
    ;; next ones, doubling (⌈log₂ rows⌉ copies, not one per row)
    (if (i32.lt_s (local.get $b) (i32.const 0))
      (then (memory.fill (local.get $y) (i32.const 0) (i32.mul (local.get $rows) (local.get $bytes))))
      (else
        (memory.copy (local.get $y) (local.get $b) (local.get $bytes))
        (local.set $filled (i32.const 1))
        (block $done
          (loop $double
            (br_if $done (i32.ge_u (local.get $filled) (local.get $rows)))
            (local.set $n (select (local.get $filled) (i32.sub (local.get $rows) (local.get $filled))
              (i32.le_u (local.get $filled) (i32.sub (local.get $rows) (local.get $filled)))))
            (memory.copy (i32.add (local.get $y) (i32.mul (local.get $filled) (local.get $bytes)))
              (local.get $y) (i32.mul (local.get $n) (local.get $bytes)))
            (local.set $filled (i32.add (local.get $filled) (local.get $n)))
            (br $double)))))
    (call $gemm_abt (local.get $x) (local.get $w) (local.get $y) (local.get $rows) (local.get $kp)
      (local.get $out) (local.get $wt)))

  ;; ---------------------------------------------------------------- dense layer
  ;; dense_fwd: y = act(x·Wᵀ + b), act 0 = identity, 1 = tanh, 2 = relu ($b < 0: no bias).
  (func (export "dense_fwd")
    (param $x i32) (param $w i32) (param $b i32) (param $y i32)
    (param $rows i32) (param $kp i32) (param $out i32) (param $act i32) (param $wt i32)
    (call $linear_fwd (local.get $x) (local.get $w) (local.get $b) (local.get $y) (local.get $rows)
      (local.get $kp) (local.get $out) (local.get $wt))
    (if (i32.eq (local.get $act) (i32.const 1))
      (then (call $tanh (local.get $y) (local.get $y) (i32.mul (local.get $rows) (local.get $out)))))
    (if (i32.eq (local.get $act) (i32.const 2))
      (then (call $relu (local.get $y) (local.get $y) (i32.mul (local.get $rows) (local.get $out))))))

  ;; act_bwd: gz = g ⊙ act'(from y = act(z)) on ⌈n/4⌉ vectors: tanh 1 − y², relu [y > 0].
  (func $act_bwd (export "act_bwd") (param $g i32) (param $y i32) (param $gz i32) (param $n i32)
    (param $act i32)
    (local $end i32) (local $yv v128)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $lp
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (local.set $yv (v128.load (local.get $y)))
        (if (i32.eq (local.get $act) (i32.const 1))
          (then
            (v128.store (local.get $gz) (f32x4.mul (v128.load (local.get $g))
              (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $yv) (local.get $yv))))))
          (else
            (v128.store (local.get $gz) (v128.and (v128.load (local.get $g))
              (f32x4.gt (local.get $yv) (v128.const f32x4 0 0 0 0))))))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $gz (i32.add (local.get $gz) (i32.const 16)))
        (br $lp))))

  ;; colsum: s[j] += Σᵢ g[i, j] for g rows×n (n a multiple of 4, rows ≥ 1), in row order.
  (func $colsum (export "colsum") (param $g i32) (param $s i32) (param $rows i32) (param $n i32)
    (local $j i32) (local $i i32) (local $p i32) (local $acc v128) (local $n4 i32)
    (local.set $n4 (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $done
      (loop $cols
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $p (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $acc (v128.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $i (local.get $rows))
        (loop $rowsLp
          (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (local.get $n4)))
          (local.set $i (i32.sub (local.get $i) (i32.const 1)))
          (br_if $rowsLp (local.get $i)))
        (v128.store (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols))))

  ;; ---------------------------------------------------------------- tanh
  ;; tanh x ≈ x·P(x²)/Q(x²) on x clamped to [−9, 9] (tanh 9 rounds to 1 in float32), P of
  ;; degree 6 and Q of degree 3 in x², both with constant term 1: a rational fit of tanh
  ;; minimising the maximum relative error on [0, 9] (float64: 7e-9; evaluated in float32
  ;; by Horner's rule: ≤ 3.1e-7 relative over [−12, 12]). Odd by construction, exact for
  ;; tiny x, NaN in ⇒ NaN out (pmin/pmax keep their first operand when unordered).
  ;; Constants are hoisted into locals (V8 rebuilds a v128.const at every use).
  (func $tanh (export "tanh") (param $x i32) (param $y i32) (param $n i32)
    (local $v v128) (local $s v128) (local $v2 v128) (local $s2 v128) (local $num v128) (local $num2 v128)
    (local $end i32) (local $end2 i32)
    (local $kHi v128) (local $kLo v128) (local $p1 v128) (local $p2 v128) (local $p3 v128) (local $p4 v128) (local $p5 v128) (local $p6 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128) (local $kOne v128)
    (local.set $kHi (v128.const f32x4 9 9 9 9))
    (local.set $kLo (v128.const f32x4 -9 -9 -9 -9))
    (local.set $p1 (v128.const f32x4 0.13084028661251068 0.13084028661251068 0.13084028661251068 0.13084028661251068))
    (local.set $p2 (v128.const f32x4 0.003103977767750621 0.003103977767750621 0.003103977767750621 0.003103977767750621))
    (local.set $p3 (v128.const f32x4 1.115453414968215e-05 1.115453414968215e-05 1.115453414968215e-05 1.115453414968215e-05))
    (local.set $p4 (v128.const f32x4 -2.0226142538604108e-08 -2.0226142538604108e-08 -2.0226142538604108e-08 -2.0226142538604108e-08))
    (local.set $p5 (v128.const f32x4 5.278390571850089e-11 5.278390571850089e-11 5.278390571850089e-11 5.278390571850089e-11))
    (local.set $p6 (v128.const f32x4 -8.4898457892741e-14 -8.4898457892741e-14 -8.4898457892741e-14 -8.4898457892741e-14))
    (local.set $q1 (v128.const f32x4 0.4641735553741455 0.4641735553741455 0.4641735553741455 0.4641735553741455))
    (local.set $q2 (v128.const f32x4 0.024495264515280724 0.024495264515280724 0.024495264515280724 0.024495264515280724))
    (local.set $q3 (v128.const f32x4 0.00025461765471845865 0.00025461765471845865 0.00025461765471845865 0.00025461765471845865))
    (local.set $kOne (v128.const f32x4 1 1 1 1))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    ;; two vectors per iteration while they last (their Horner chains overlap), then one
    (local.set $end2 (i32.sub (local.get $end) (i32.const 16)))
    (block $done2
      (loop $lp2
        (br_if $done2 (i32.ge_s (local.get $x) (local.get $end2)))
        (local.set $v (f32x4.pmax (f32x4.pmin (v128.load (local.get $x)) (local.get $kHi)) (local.get $kLo)))
        (local.set $v2 (f32x4.pmax (f32x4.pmin (v128.load offset=16 (local.get $x)) (local.get $kHi)) (local.get $kLo)))
        (local.set $s (f32x4.mul (local.get $v) (local.get $v)))
        (local.set $s2 (f32x4.mul (local.get $v2) (local.get $v2)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $p6) (local.get $s)) (local.get $p5)))
        (local.set $num2 (f32x4.add (f32x4.mul (local.get $p6) (local.get $s2)) (local.get $p5)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $s)) (local.get $p4)))
        (local.set $num2 (f32x4.add (f32x4.mul (local.get $num2) (local.get $s2)) (local.get $p4)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $s)) (local.get $p3)))
        (local.set $num2 (f32x4.add (f32x4.mul (local.get $num2) (local.get $s2)) (local.get $p3)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $s)) (local.get $p2)))
        (local.set $num2 (f32x4.add (f32x4.mul (local.get $num2) (local.get $s2)) (local.get $p2)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $s)) (local.get $p1)))
        (local.set $num2 (f32x4.add (f32x4.mul (local.get $num2) (local.get $s2)) (local.get $p1)))
        (local.set $num (f32x4.add (f32x4.mul (local.get $num) (local.get $s)) (local.get $kOne)))
        (local.set $num2 (f32x4.add (f32x4.mul (local.get $num2) (local.get $s2)) (local.get $kOne)))
        (v128.store (local.get $y) (f32x4.div (f32x4.mul (local.get $v) (local.get $num))
          (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $q3) (local.get $s)) (local.get $q2)) (local.get $s)) (local.get $q1)) (local.get $s)) (local.get $kOne))))
        (v128.store offset=16 (local.get $y) (f32x4.div (f32x4.mul (local.get $v2) (local.get $num2))
          (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $q3) (local.get $s2)) (local.get $q2)) (local.get $s2)) (local.get $q1)) (local.get $s2)) (local.get $kOne))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $lp2)))
    (block $done
      (loop $lp
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (f32x4.pmax (f32x4.pmin (v128.load (local.get $x)) (local.get $kHi)) (local.get $kLo)))
        (local.set $s (f32x4.mul (local.get $v) (local.get $v)))
        (v128.store (local.get $y)
          (f32x4.div (f32x4.mul (local.get $v)
            (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $p6) (local.get $s)) (local.get $p5)) (local.get $s)) (local.get $p4)) (local.get $s)) (local.get $p3)) (local.get $s)) (local.get $p2)) (local.get $s)) (local.get $p1)) (local.get $s)) (local.get $kOne)))
            (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (f32x4.add (f32x4.mul (local.get $q3) (local.get $s)) (local.get $q2)) (local.get $s)) (local.get $q1)) (local.get $s)) (local.get $kOne))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $lp))))

  ;; ---------------------------------------------------------------- adam
  ;; One Adam step on ⌈n/4⌉ vectors of d (parameters), g (gradients), m, v (moments), all
  ;; in float32; the coefficients come in as float32 (c1 = 1 − β₁, c2 = 1 − β₂ rounded
  ;; once by the caller, s = lr/(1 − β₁ᵗ), c = 1/√(1 − β₂ᵗ)); gs scales the gradient (the
  ;; gradient in memory is left as it is).
  (func $adam (export "adam")
    (param $d i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $s f32)
    (param $c f32) (param $eps f32) (param $gs f64)
    (local $end i32) (local $kb1 v128) (local $kc1 v128) (local $kb2 v128) (local $kc2 v128)
    (local $ks v128) (local $kc v128) (local $ke v128) (local $kgs v128) (local $scaled i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local.set $kb1 (f32x4.splat (local.get $b1)))
    (local.set $kc1 (f32x4.splat (local.get $c1)))
    (local.set $kb2 (f32x4.splat (local.get $b2)))
    (local.set $kc2 (f32x4.splat (local.get $c2)))
    (local.set $ks (f32x4.splat (local.get $s)))
    (local.set $kc (f32x4.splat (local.get $c)))
    (local.set $ke (f32x4.splat (local.get $eps)))
    (local.set $kgs (f64x2.splat (local.get $gs)))
    (local.set $scaled (f64.ne (local.get $gs) (f64.const 1)))
    (local.set $end (i32.add (local.get $d) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $lp
        (br_if $done (i32.ge_u (local.get $d) (local.get $end)))
        (local.set $gv (v128.load (local.get $g)))
        ;; g ← float32(g·gs), each product formed in float64 and rounded once (as JavaScript
        ;; rounds g[i] *= gs into a Float32Array)
        (if (local.get $scaled)
          (then
            (local.set $gv (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (local.get $gv)) (local.get $kgs)))
              (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $gv) (local.get $gv)))
                (local.get $kgs)))))))
        (local.set $mv (f32x4.add (f32x4.mul (local.get $kb1) (v128.load (local.get $m)))
          (f32x4.mul (local.get $kc1) (local.get $gv))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $kb2) (v128.load (local.get $v)))
          (f32x4.mul (local.get $kc2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (local.get $m) (local.get $mv))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $d) (f32x4.sub (v128.load (local.get $d))
          (f32x4.div (f32x4.mul (local.get $ks) (local.get $mv))
            (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vv)) (local.get $kc)) (local.get $ke)))))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (br $lp))))

  ;; ---------------------------------------------------------------- relu
  (func $relu (export "relu") (param $x i32) (param $y i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $lp
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $y) (f32x4.max (v128.load (local.get $x)) (v128.const f32x4 0 0 0 0)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $lp))))
)
