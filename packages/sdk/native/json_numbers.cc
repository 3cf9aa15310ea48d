// A scanner for the plain numbers of a JSON array (the bulk of a TF Serving REST body), used by
// src/serving/rest/json-reader.ts. It takes `number ws , ws number ...` straight from the body
// bytes into typed arrays and stops before the first token it is not sure about (NaN/Infinity,
// more than 19 significant digits, integers needing BigInt, subnormal or overflowing results,
// malformed text, anything not a number): the JS reader parses that one, so its values, errors
// and offsets stay the only definition. Doubles are correctly rounded or not taken.
// No TensorFlow here: it builds wherever node-gyp does.
#include <node_api.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

// Token kinds, as NUM_* in src/serving/rest/json-value.ts.
constexpr uint8_t kInt = 0, kUint = 1, kInt64Neg = 2, kInt64Pos = 3, kDouble = 5;

// 10^k for k in [kMinPow, kMaxPow] as (hi + lo) * 2^e2 with hi in [1, 2), within 2^-104 relative
// (117 bits truncated, then lo rounded to a double).
constexpr int kMinPow = -350, kMaxPow = 330;
struct Pow10 {
  double hi, lo;
  int e2;
};
Pow10 g_pow[kMaxPow - kMinPow + 1];
double g_exact[23];

using Big = std::vector<uint32_t>;  // little-endian limbs

void MulSmall(Big& b, uint32_t m) {
  uint64_t carry = 0;
  for (auto& limb : b) {
    uint64_t t = uint64_t(limb) * m + carry;
    limb = uint32_t(t);
    carry = t >> 32;
  }
  if (carry) b.push_back(uint32_t(carry));
}

void DivSmall(Big& b, uint32_t d) {
  uint64_t rem = 0;
  for (size_t i = b.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | b[i];
    b[i] = uint32_t(cur / d);
    rem = cur % d;
  }
  while (!b.empty() && b.back() == 0) b.pop_back();
}

size_t BitLength(const Big& b) {
  return b.empty() ? 0 : 32 * (b.size() - 1) + (32 - __builtin_clz(b.back()));
}

// Bit `pos` (0 = least significant) of b.
uint64_t Bit(const Big& b, long pos) {
  if (pos < 0 || size_t(pos / 32) >= b.size()) return 0;
  return (b[pos / 32] >> (pos % 32)) & 1;
}

// b * 2^shift as a normalized Pow10 (truncated: the 128 leading bits are kept).
Pow10 Normalize(const Big& b, long shift) {
  long len = long(BitLength(b));
  uint64_t top = 0, rest = 0;
  for (long k = 0; k < 53; k++) top = (top << 1) | Bit(b, len - 1 - k);
  for (long k = 53; k < 117; k++) rest = (rest << 1) | Bit(b, len - 1 - k);
  Pow10 p;
  p.hi = std::ldexp(double(top), -52);
  p.lo = std::ldexp(double(rest), -52 - 64);
  p.e2 = int(len - 1 + shift);
  return p;
}

void BuildTables() {
  for (int k = 0; k <= 22; k++) g_exact[k] = k == 0 ? 1.0 : g_exact[k - 1] * 10.0;
  Big pos{1};
  for (int k = 0; k <= kMaxPow; k++) {
    g_pow[k - kMinPow] = Normalize(pos, 0);
    MulSmall(pos, 10);
  }
  // 10^-k = 2^-N * floor(2^N / 10^k) with N large enough that truncating at each of the k
  // divisions costs under 2^-120 relative.
  const long n = 1330;
  Big neg(n / 32 + 1, 0);
  neg[n / 32] = 1u << (n % 32);
  for (int k = 1; k <= -kMinPow; k++) {
    DivSmall(neg, 10);
    g_pow[-k - kMinPow] = Normalize(neg, -n);
  }
}

// x * y == p + TwoProductError(x, y, p) exactly (Dekker; no FMA, so no contraction surprises).
inline double TwoProductError(double x, double y, double p) {
  constexpr double kSplit = 134217729.0;  // 2^27 + 1
  double t = kSplit * x;
  double xh = t - (t - x), xl = x - xh;
  t = kSplit * y;
  double yh = t - (t - y), yl = y - yh;
  return xh * yh - p + xh * yl + xl * yh + xl * yl;
}

// 2^e for e in [-1022, 1023].
inline double Pow2(int e) {
  uint64_t bits = uint64_t(e + 1023) << 52;
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

// The double nearest m * 10^e10 (m < 10^19, nonzero), or false when it cannot be sure: a near
// tie, or a result outside the normal range (overflow, subnormal).
bool DecimalToDouble(uint64_t m, int e10, double* out) {
  if (m < (uint64_t(1) << 53) && e10 >= -22 && e10 <= 22) {
    // Clinger: an exact significand and an exact power of ten round once.
    double d = double(m);
    *out = e10 >= 0 ? d * g_exact[e10] : d / g_exact[-e10];
    return true;
  }
  if (e10 < kMinPow || e10 > kMaxPow) return false;
  // m exactly as mh + ml, mh holding its leading 53 bits.
  int len = 64 - __builtin_clzll(m);
  int shift = len > 53 ? len - 53 : 0;
  double mh = double((m >> shift) << shift);
  double ml = double(m & ((uint64_t(1) << shift) - 1));
  const Pow10& t = g_pow[e10 - kMinPow];
  // (mh + ml) * (hi + lo): relative error below 2^-100 (the lo * ml term, < 2^-104, is dropped).
  double p = mh * t.hi;
  double pe = TwoProductError(mh, t.hi, p) + (mh * t.lo + ml * t.hi);
  // Rounding the interval ±2^-90 around p + pe: one double at both ends means it is the one.
  double eps = p * 0x1p-90;
  double up = p + (pe + eps);
  double down = p + (pe - eps);
  if (up != down) return false;
  // Scaled by 2^e2 in (at most) two exact steps: exact while the result is normal.
  if (t.e2 > 1023) return false;
  double v = t.e2 >= -1022 ? up * Pow2(t.e2) : up * Pow2(t.e2 + 200) * 0x1p-200;
  // Exactly 2^-1022 may be a value below it, which rounds on the coarser subnormal grid.
  if (!(v > 0x1p-1022) || std::isinf(v)) return false;
  *out = v;
  return true;
}

inline bool IsWs(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool IsDigit(uint8_t c) { return c >= '0' && c <= '9'; }
constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

// Appends the digits at s[i..n) to m while at most 19 significant ones are held, 8 at a time
// where it can (SWAR, after simdjson / fast_float). Returns the index after the digits; *sig
// past 19 means there were too many.
inline size_t Digits(const uint8_t* s, size_t n, size_t i, uint64_t* m, int* sig) {
  while (kLittleEndian && *sig <= 11 && i + 8 <= n) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);  // little-endian: s[i] in the low byte
    if ((w & 0xF0F0F0F0F0F0F0F0) != 0x3030303030303030 ||
        ((w + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) != 0x3030303030303030)
      break;
    w -= 0x3030303030303030;
    w = (w * 10) + (w >> 8);
    w = (((w & 0x000000FF000000FF) * (100 + (1000000ULL << 32))) +
         (((w >> 16) & 0x000000FF000000FF) * (1 + (10000ULL << 32)))) >>
        32;
    *m = *m * 100000000 + uint32_t(w);
    *sig += 8;
    i += 8;
  }
  while (i < n && IsDigit(s[i])) {
    if (++*sig > 19) return i;
    *m = *m * 10 + (s[i++] - '0');
  }
  return i;
}

// One number token from s[i]; on success sets value/kind and returns the index after it,
// else returns 0 (not taken: the JS reader parses it, or reports it).
size_t Number(const uint8_t* s, size_t n, size_t i, double* value, uint8_t* kind) {
  bool minus = i < n && s[i] == '-';
  if (minus) i++;
  if (i >= n) return 0;
  uint64_t m = 0;
  int sig = 0, digits = 0;
  if (s[i] == '0') {
    i++;
    digits = 1;
  } else if (s[i] >= '1' && s[i] <= '9') {
    size_t from = i;
    i = Digits(s, n, i, &m, &sig);
    if (sig > 19) return 0;
    digits = int(i - from);
  } else {
    return 0;
  }
  bool decimal = false;
  long frac = 0, exp = 0;
  if (i < n && s[i] == '.') {
    decimal = true;
    size_t from = ++i;
    if (sig == 0)
      while (i < n && s[i] == '0') i++;  // the zeros of 0.00… are not significant
    i = Digits(s, n, i, &m, &sig);
    if (sig > 19) return 0;
    frac = long(i - from);
    if (frac == 0) return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    decimal = true;
    i++;
    bool neg = i < n && s[i] == '-';
    if (i < n && (neg || s[i] == '+')) i++;
    if (!(i < n && IsDigit(s[i]))) return 0;
    while (i < n && IsDigit(s[i])) {
      exp = exp * 10 + (s[i++] - '0');
      if (exp > 1000000) exp = 1000000;
    }
    if (neg) exp = -exp;
  }
  if (!decimal) {
    if (digits > 15) return 0;  // may need BigInt
    double v = minus ? -double(m) : double(m);
    if (m == 0) v = 0;  // the reader yields +0 for `-0`
    *value = v;
    *kind = v >= -2147483648.0 && v <= 2147483647.0 ? kInt
            : v < 0                                 ? kInt64Neg
            : v <= 4294967295.0                     ? kUint
                                                    : kInt64Pos;
    return i;
  }
  double v = 0;
  if (m != 0 && !DecimalToDouble(m, int(exp - frac), &v)) return 0;
  *value = minus ? -v : v;
  *kind = kDouble;
  return i;
}

napi_value Throw(napi_env env, const char* message) {
  napi_throw_type_error(env, nullptr, message);
  return nullptr;
}

bool Bytes(napi_env env, napi_value v, napi_typedarray_type want, void** data, size_t* length) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, v, &type, length, data, nullptr, nullptr) != napi_ok) return false;
  return type == want;
}

// scan(body: Uint8Array, pos, values: Float64Array, kinds: Uint8Array, from, state: Float64Array(2))
//   -> the index after the last number written (they go to values/kinds[from..length)).
// state[0] = where the reader goes on, state[1] = 1 when the array's `]` was consumed too.
// Otherwise state[0] is the start of the first token not taken (after a comma), or `pos` when
// none was: a number is only taken once the `,` or `]` after it is seen.
napi_value Scan(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 6)
    return Throw(env, "scan(body, pos, values, kinds, from, state) takes 6 arguments");
  void *body, *values, *kinds, *state;
  size_t n, cap, kcap, slen;
  double posd, fromd;
  if (!Bytes(env, argv[0], napi_uint8_array, &body, &n) || napi_get_value_double(env, argv[1], &posd) != napi_ok ||
      !Bytes(env, argv[2], napi_float64_array, &values, &cap) ||
      !Bytes(env, argv[3], napi_uint8_array, &kinds, &kcap) || napi_get_value_double(env, argv[4], &fromd) != napi_ok ||
      !Bytes(env, argv[5], napi_float64_array, &state, &slen) || slen < 2 || !(posd >= 0 && posd <= double(n)))
    return Throw(env, "scan: expected (Uint8Array, offset, Float64Array, Uint8Array, index, Float64Array(2))");
  const uint8_t* s = static_cast<const uint8_t*>(body);
  double* out = static_cast<double*>(values);
  uint8_t* out_kinds = static_cast<uint8_t*>(kinds);
  double* st = static_cast<double*>(state);
  if (kcap < cap) cap = kcap;
  if (!(fromd >= 0 && fromd <= double(cap))) return Throw(env, "scan: `from` is outside the output arrays");
  size_t i = size_t(posd), count = size_t(fromd);
  bool closed = false;
  while (count < cap) {
    double v;
    uint8_t k;
    size_t j = Number(s, n, i, &v, &k);
    if (j == 0) break;
    while (j < n && IsWs(s[j])) j++;
    if (j < n && s[j] == ']') {
      out[count] = v;
      out_kinds[count++] = k;
      i = j + 1;
      closed = true;
      break;
    }
    if (!(j < n && s[j] == ',')) break;  // the reader words the error
    out[count] = v;
    out_kinds[count++] = k;
    j++;
    while (j < n && IsWs(s[j])) j++;
    i = j;
  }
  st[0] = double(i);
  st[1] = closed ? 1 : 0;
  napi_value result;
  napi_create_double(env, double(count), &result);
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  BuildTables();
  napi_value fn;
  napi_create_function(env, "scan", NAPI_AUTO_LENGTH, Scan, nullptr, &fn);
  napi_set_named_property(env, exports, "scan", fn);
  // Bumped when scan's arguments change: native-numbers.ts ignores a build of another version.
  napi_value abi;
  napi_create_uint32(env, 2, &abi);
  napi_set_named_property(env, exports, "abi", abi);
  return exports;
}
