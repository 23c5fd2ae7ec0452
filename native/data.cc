// Data loading kernels: JPEG decoding (libjpeg-turbo, loaded at run time) and
// the per-sample image pipeline (crop, resize, flip, colour, normalise) that
// turns uint8 HWC images into a float NCHW batch. Both run on worker threads
// (N-API async work plus a few std::threads) so the JS thread never waits on
// pixels; src/data decides every random parameter, this file only executes.
//
// The image ops reproduce Pillow's 8-bit arithmetic (the backend of
// torchvision's PIL transforms): two-pass fixed-point resampling with
// Pillow's filters, ITU-R 601 luma for grayscale, ImageEnhance blends for
// colour jitter, Pillow's HSV conversion for hue. Decoding uses libjpeg's
// default settings, as Pillow does, so the same libjpeg gives the same pixels.
#include "common.h"

#include <dlfcn.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#if __has_include(<jpeglib.h>)
#include <jpeglib.h>
#include <jerror.h>
#define FASTDA_HAVE_JPEG 1
#endif

namespace fastda {
namespace {

// ---------------------------------------------------------------------------
// libjpeg, resolved with dlopen so the addon links without it and falls back
// to the JS decoder (sharp) where the library is missing.
#ifdef FASTDA_HAVE_JPEG
struct JpegApi {
  bool ok = false;
  std::string library;
  decltype(&jpeg_std_error) stdError = nullptr;
  decltype(&jpeg_CreateDecompress) create = nullptr;
  decltype(&jpeg_mem_src) memSrc = nullptr;
  decltype(&jpeg_read_header) readHeader = nullptr;
  decltype(&jpeg_start_decompress) start = nullptr;
  decltype(&jpeg_read_scanlines) readScanlines = nullptr;
  decltype(&jpeg_finish_decompress) finish = nullptr;
  decltype(&jpeg_destroy_decompress) destroy = nullptr;
};

JpegApi loadJpeg() {
  JpegApi api;
  if (const char* off = std::getenv("FASTDA_NATIVE_JPEG"); off && std::string(off) == "0") return api;
  const std::string versioned = JPEG_LIB_VERSION == 62 ? "libjpeg.so.62" : "libjpeg.so." + std::to_string(JPEG_LIB_VERSION / 10);
  for (const std::string& name : {versioned, std::string("libjpeg.so")}) {
    void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) continue;
    auto sym = [&](const char* symbol) { return dlsym(lib, symbol); };
    api.stdError = reinterpret_cast<decltype(api.stdError)>(sym("jpeg_std_error"));
    api.create = reinterpret_cast<decltype(api.create)>(sym("jpeg_CreateDecompress"));
    api.memSrc = reinterpret_cast<decltype(api.memSrc)>(sym("jpeg_mem_src"));
    api.readHeader = reinterpret_cast<decltype(api.readHeader)>(sym("jpeg_read_header"));
    api.start = reinterpret_cast<decltype(api.start)>(sym("jpeg_start_decompress"));
    api.readScanlines = reinterpret_cast<decltype(api.readScanlines)>(sym("jpeg_read_scanlines"));
    api.finish = reinterpret_cast<decltype(api.finish)>(sym("jpeg_finish_decompress"));
    api.destroy = reinterpret_cast<decltype(api.destroy)>(sym("jpeg_destroy_decompress"));
    if (api.stdError && api.create && api.memSrc && api.readHeader && api.start && api.readScanlines && api.finish &&
        api.destroy) {
      api.ok = true;
      api.library = name;
      return api;
    }
    dlclose(lib);
  }
  return JpegApi{};
}

const JpegApi& jpegApi() {
  static const JpegApi api = loadJpeg();
  return api;
}

struct JpegError {
  jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpegErrorExit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

// Warnings are ignored (as Pillow does), except a truncated file.
void jpegEmitMessage(j_common_ptr cinfo, int level) {
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    auto* err = reinterpret_cast<JpegError*>(cinfo->err);
    std::snprintf(err->message, sizeof(err->message), "image file is truncated");
    longjmp(err->jump, 1);
  }
}
#endif

enum class DecodeStatus { Ok, Unsupported, Failed };

struct Decoded {
  DecodeStatus status = DecodeStatus::Failed;
  at::Tensor image;  // uint8 [H, W, C], C = 1 or 3
  std::string error;
};

#ifdef FASTDA_HAVE_JPEG
// Decodes a baseline/progressive JPEG (gray, YCbCr or RGB) at 1/denom scale
// (denom = 1: full size). CMYK/YCCK are left to the fallback decoder. No
// object with a destructor lives in this frame across setjmp.
void decodeJpegInto(const uint8_t* data, size_t size, int minShortSide, Decoded& out) {
  const JpegApi& api = jpegApi();
  jpeg_decompress_struct cinfo;
  JpegError err;
  cinfo.err = api.stdError(&err.mgr);
  err.mgr.error_exit = jpegErrorExit;
  err.mgr.emit_message = jpegEmitMessage;
  err.message[0] = '\0';
  if (setjmp(err.jump)) {
    api.destroy(&cinfo);
    out.status = DecodeStatus::Failed;
    out.error = std::string("cannot decode JPEG: ") + err.message;
    out.image = at::Tensor();
    return;
  }
  api.create(&cinfo, JPEG_LIB_VERSION, sizeof(jpeg_decompress_struct));
  api.memSrc(&cinfo, const_cast<unsigned char*>(data), static_cast<unsigned long>(size));
  api.readHeader(&cinfo, TRUE);
  int channels;
  if (cinfo.jpeg_color_space == JCS_GRAYSCALE) {
    cinfo.out_color_space = JCS_GRAYSCALE;
    channels = 1;
  } else if (cinfo.jpeg_color_space == JCS_YCbCr || cinfo.jpeg_color_space == JCS_RGB) {
    cinfo.out_color_space = JCS_RGB;
    channels = 3;
  } else {
    api.destroy(&cinfo);
    out.status = DecodeStatus::Unsupported;
    return;
  }
  if (minShortSide > 0) {
    // Pillow's draft(): the largest 1/2, 1/4, 1/8 reduction whose short side
    // still reaches minShortSide.
    int shortSide = static_cast<int>(std::min(cinfo.image_width, cinfo.image_height));
    int denom = 1;
    for (int d : {8, 4, 2}) {
      if ((shortSide + d - 1) / d >= minShortSide) {
        denom = d;
        break;
      }
    }
    cinfo.scale_num = 1;
    cinfo.scale_denom = static_cast<unsigned int>(denom);
  }
  api.start(&cinfo);
  const int64_t h = cinfo.output_height, w = cinfo.output_width;
  out.image = at::empty({h, w, channels}, at::TensorOptions().dtype(at::kByte));
  auto* pixels = out.image.data_ptr<uint8_t>();
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = pixels + static_cast<int64_t>(cinfo.output_scanline) * w * channels;
    api.readScanlines(&cinfo, &row, 1);
  }
  api.finish(&cinfo);
  api.destroy(&cinfo);
  out.status = DecodeStatus::Ok;
}
#endif

bool readFile(const std::string& path, std::vector<uint8_t>& bytes, std::string& error) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) {
    error = std::string("cannot open file: ") + std::strerror(errno);
    return false;
  }
  bytes.clear();
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  bool failed = std::ferror(file) != 0;
  int code = errno;
  std::fclose(file);
  if (failed) {
    error = std::string("cannot read file: ") + std::strerror(code);
    return false;
  }
  return true;
}

void decodeFile(const std::string& path, int minShortSide, std::vector<uint8_t>& bytes, Decoded& out) {
#ifdef FASTDA_HAVE_JPEG
  if (!jpegApi().ok) {
    out.status = DecodeStatus::Unsupported;
    return;
  }
  if (!readFile(path, bytes, out.error)) {
    out.status = DecodeStatus::Failed;
    return;
  }
  if (bytes.size() < 3 || bytes[0] != 0xFF || bytes[1] != 0xD8 || bytes[2] != 0xFF) {
    out.status = DecodeStatus::Unsupported;  // not a JPEG: the fallback decoder handles it
    return;
  }
  decodeJpegInto(bytes.data(), bytes.size(), minShortSide, out);
#else
  (void)path;
  (void)minShortSide;
  (void)bytes;
  out.status = DecodeStatus::Unsupported;
#endif
}

// The threads parallelFor(n, threads, ...) uses: at least 1, at most n.
int threadsFor(int64_t n, int threads) { return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n))); }

// Runs fn(i, t) for i in [0, n) on threadsFor(n, threads) threads (the
// caller's included); t in [0, threads) names the thread, for per-thread state.
template <typename F>
void parallelFor(int64_t n, int threads, F fn) {
  threads = threadsFor(n, threads);
  std::atomic<int64_t> next{0};
  auto work = [&](int t) {
    for (int64_t i; (i = next.fetch_add(1)) < n;) fn(i, t);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& thread : pool) thread.join();
}

// ---------------------------------------------------------------------------
// The image pipeline. A program is a list of ops, each an opcode followed by
// a fixed number of float64 arguments (src/data/transforms.ts writes them).
enum Op : int {
  kCrop = 1,        // x y w h pad_mode fill0 fill1 fill2
  kResize = 2,      // x y w h out_h out_w filter   (crop box, then resize)
  kFlipH = 3,       //
  kFlipV = 4,       //
  kGray = 5,        // out_channels
  kRgb = 6,         //
  kBrightness = 7,  // factor
  kContrast = 8,    // factor
  kSaturation = 9,  // factor
  kHue = 10,        // hue shift in [-0.5, 0.5]
};

int opArgs(int op) {
  switch (op) {
    case kCrop: return 8;
    case kResize: return 7;
    case kFlipH: case kFlipV: case kRgb: return 0;
    case kGray: case kBrightness: case kContrast: case kSaturation: case kHue: return 1;
    default: return -1;
  }
}

constexpr double kPi = 3.14159265358979323846;

// Pillow's resampling filters (Resample.c).
enum Filter : int { kNearest = 0, kBox = 1, kBilinear = 2, kHamming = 3, kBicubic = 4, kLanczos = 5 };

double boxFilter(double x) { return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0; }
double bilinearFilter(double x) {
  if (x < 0.0) x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}
double hammingFilter(double x) {
  if (x < 0.0) x = -x;
  if (x == 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  x = x * kPi;
  return std::sin(x) / x * (0.54 + 0.46 * std::cos(x));
}
double bicubicFilter(double x) {
  const double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}
double sinc(double x) {
  if (x == 0.0) return 1.0;
  x = x * kPi;
  return std::sin(x) / x;
}
double lanczosFilter(double x) { return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0; }

struct FilterDef {
  double (*fn)(double);
  double support;
};
FilterDef filterDef(int filter) {
  switch (filter) {
    case kBox: return {boxFilter, 0.5};
    case kBilinear: return {bilinearFilter, 1.0};
    case kHamming: return {hammingFilter, 1.0};
    case kBicubic: return {bicubicFilter, 2.0};
    case kLanczos: return {lanczosFilter, 3.0};
    default: throw std::runtime_error("unknown resize filter " + std::to_string(filter));
  }
}

constexpr int kPrecisionBits = 32 - 8 - 2;

// Pillow's clip8: (v >> 22) clamped to [0, 255] (same result, vectorises).
inline uint8_t clip8(int32_t v) {
  int32_t r = v >> kPrecisionBits;
  return static_cast<uint8_t>(r < 0 ? 0 : (r > 255 ? 255 : r));
}

// The resampling loops are compiled twice on x86-64 GCC (AVX2 and baseline)
// and picked at load time; elsewhere once.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define FASTDA_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define FASTDA_CLONES
#endif

typedef int32_t v4i __attribute__((vector_size(16)));

// One output row of the horizontal pass for 3-channel images: pixels widened
// to four int32 lanes so each filter tap is one vector multiply-add.
FASTDA_CLONES
void horizontalRow3(const uint8_t* src, int w, uint8_t* dst, int ow, const int* bounds, const int32_t* kk, int ksize, v4i* wide) {
  for (int x = 0; x < w; ++x) wide[x] = v4i{src[3 * x], src[3 * x + 1], src[3 * x + 2], 0};
  const int32_t half = 1 << (kPrecisionBits - 1);
  for (int xx = 0; xx < ow; ++xx) {
    const int xmin = bounds[2 * xx], xmax = bounds[2 * xx + 1];
    const int32_t* k = kk + static_cast<size_t>(xx) * ksize;
    v4i acc = {half, half, half, half};
    for (int x = 0; x < xmax; ++x) acc += wide[xmin + x] * k[x];
    dst[3 * xx] = clip8(acc[0]);
    dst[3 * xx + 1] = clip8(acc[1]);
    dst[3 * xx + 2] = clip8(acc[2]);
  }
}

// One output row of the vertical pass: a weighted sum of ymax input rows.
FASTDA_CLONES
void verticalRow(const uint8_t* first, int64_t stride, int ymax, const int32_t* k, int rowLen, int32_t* acc, uint8_t* dst) {
  const int32_t half = 1 << (kPrecisionBits - 1);
  for (int i = 0; i < rowLen; ++i) acc[i] = half;
  for (int y = 0; y < ymax; ++y) {
    const uint8_t* src = first + y * stride;
    const int32_t weight = k[y];
    for (int i = 0; i < rowLen; ++i) acc[i] += src[i] * weight;
  }
  for (int i = 0; i < rowLen; ++i) dst[i] = clip8(acc[i]);
}

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for an input of inSize
// pixels resampled to outSize; returns the kernel size.
int precomputeCoeffs(int inSize, int outSize, const FilterDef& filter, std::vector<int>& bounds, std::vector<int32_t>& kk,
                     std::vector<double>& prekk) {
  double scale = static_cast<double>(inSize) / outSize;
  double filterscale = scale < 1.0 ? 1.0 : scale;
  double support = filter.support * filterscale;
  int ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  bounds.assign(static_cast<size_t>(outSize) * 2, 0);
  prekk.assign(static_cast<size_t>(outSize) * ksize, 0.0);
  kk.assign(static_cast<size_t>(outSize) * ksize, 0);
  for (int xx = 0; xx < outSize; ++xx) {
    double center = (xx + 0.5) * scale;
    double ww = 0.0;
    double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    double* k = &prekk[static_cast<size_t>(xx) * ksize];
    for (int x = 0; x < xmax; ++x) {
      double w = filter.fn((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (int x = 0; x < xmax; ++x) {
      if (ww != 0.0) k[x] /= ww;
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  for (size_t i = 0; i < prekk.size(); ++i) {
    kk[i] = prekk[i] < 0 ? static_cast<int32_t>(-0.5 + prekk[i] * (1 << kPrecisionBits))
                         : static_cast<int32_t>(0.5 + prekk[i] * (1 << kPrecisionBits));
  }
  return ksize;
}

// A view of an HWC uint8 image: rows may be strided (a crop of a larger image).
struct View {
  const uint8_t* data = nullptr;
  int h = 0, w = 0, c = 0;
  int64_t rowStride = 0;
  const uint8_t* row(int y) const { return data + y * rowStride; }
};

struct Scratch {
  std::vector<uint8_t> bufs[2];
  int active = -1;  // which buffer holds the current image; -1: the source
  std::vector<uint8_t> temp;
  std::vector<int> boundsH, boundsV, nearestX;
  std::vector<int32_t> kkH, kkV;
  std::vector<double> prekk;
  std::vector<v4i> wide;
  std::vector<int32_t> acc;

  // A buffer that does not alias the current image.
  std::vector<uint8_t>& target(size_t bytes) {
    int next = active == 0 ? 1 : 0;
    bufs[next].resize(bytes);
    return bufs[next];
  }
  View commit(int h, int w, int c) {
    active = active == 0 ? 1 : 0;
    return View{bufs[active].data(), h, w, c, static_cast<int64_t>(w) * c};
  }
};

int mapPad(int i, int n, int mode) {
  // mode 1: edge, 2: reflect, 3: symmetric (numpy.pad / torchvision semantics)
  if (n == 1) return 0;
  switch (mode) {
    case 1: return i < 0 ? 0 : (i >= n ? n - 1 : i);
    case 2: {
      int period = 2 * (n - 1);
      int m = ((i % period) + period) % period;
      return m < n ? m : period - m;
    }
    case 3: {
      int period = 2 * n;
      int m = ((i % period) + period) % period;
      return m < n ? m : period - 1 - m;
    }
    default: return -1;
  }
}

View crop(const View& in, const double* a, Scratch& s) {
  const int x0 = static_cast<int>(a[0]), y0 = static_cast<int>(a[1]), w = static_cast<int>(a[2]), h = static_cast<int>(a[3]);
  const int mode = static_cast<int>(a[4]);
  if (w <= 0 || h <= 0) throw std::runtime_error("crop to an empty image");
  const uint8_t fill[3] = {static_cast<uint8_t>(a[5]), static_cast<uint8_t>(a[6]), static_cast<uint8_t>(a[7])};
  const int c = in.c;
  // columns [inside0, inside1) of the output come straight from the source row
  const int inside0 = std::min(w, std::max(0, -x0)), inside1 = std::max(inside0, std::min(w, in.w - x0));
  auto& out = s.target(static_cast<size_t>(h) * w * c);
  auto fillPixel = [&](uint8_t* dst) {
    for (int k = 0; k < c; ++k) dst[k] = fill[std::min(k, 2)];
  };
  for (int y = 0; y < h; ++y) {
    uint8_t* dst = out.data() + static_cast<size_t>(y) * w * c;
    int sy = y0 + y;
    if (sy < 0 || sy >= in.h) {
      if (mode == 0) {
        for (int x = 0; x < w; ++x) fillPixel(dst + x * c);
        continue;
      }
      sy = mapPad(sy, in.h, mode);
    }
    const uint8_t* src = in.row(sy);
    for (int x = 0; x < inside0; ++x) {
      if (mode == 0) fillPixel(dst + x * c);
      else std::memcpy(dst + x * c, src + mapPad(x0 + x, in.w, mode) * c, static_cast<size_t>(c));
    }
    if (inside1 > inside0) {
      std::memcpy(dst + static_cast<size_t>(inside0) * c, src + static_cast<size_t>(x0 + inside0) * c,
                  static_cast<size_t>(inside1 - inside0) * c);
    }
    for (int x = inside1; x < w; ++x) {
      if (mode == 0) fillPixel(dst + x * c);
      else std::memcpy(dst + x * c, src + mapPad(x0 + x, in.w, mode) * c, static_cast<size_t>(c));
    }
  }
  return s.commit(h, w, c);
}

View resizeNearest(const View& in, int oh, int ow, Scratch& s) {
  const int c = in.c;
  auto& out = s.target(static_cast<size_t>(oh) * ow * c);
  // Pillow's ImagingScaleAffine: source coordinates accumulated in double from half a step
  const double sx = static_cast<double>(in.w) / ow, sy = static_cast<double>(in.h) / oh;
  std::vector<int>& xs = s.nearestX;
  xs.resize(static_cast<size_t>(ow));
  double xo = sx * 0.5;
  for (int x = 0; x < ow; ++x, xo += sx) xs[x] = std::clamp(static_cast<int>(xo), 0, in.w - 1);
  double yo = sy * 0.5;
  for (int y = 0; y < oh; ++y, yo += sy) {
    const uint8_t* src = in.row(std::clamp(static_cast<int>(yo), 0, in.h - 1));
    uint8_t* dst = out.data() + static_cast<size_t>(y) * ow * c;
    for (int x = 0; x < ow; ++x)
      for (int k = 0; k < c; ++k) dst[x * c + k] = src[xs[x] * c + k];
  }
  return s.commit(oh, ow, c);
}

// Pillow's ImagingResample: horizontal pass over the rows the vertical pass
// needs, then the vertical pass, each rounding to 8 bits.
View resize(const View& in, int oh, int ow, int filter, Scratch& s) {
  if (oh <= 0 || ow <= 0) throw std::runtime_error("resize to an empty image");
  if (oh == in.h && ow == in.w) return in;
  if (filter == kNearest) return resizeNearest(in, oh, ow, s);
  FilterDef def = filterDef(filter);
  const int c = in.c;
  bool needH = ow != in.w, needV = oh != in.h;
  int ksizeV = precomputeCoeffs(in.h, oh, def, s.boundsV, s.kkV, s.prekk);
  // Rows [yFirst, yLast) of the input feed the vertical pass; row 0 of `cur` is row yFirst.
  int yFirst = s.boundsV[0];
  int yLast = s.boundsV[oh * 2 - 2] + s.boundsV[oh * 2 - 1];
  View cur{in.row(yFirst), yLast - yFirst, in.w, c, in.rowStride};
  if (needH) {
    int ksizeH = precomputeCoeffs(in.w, ow, def, s.boundsH, s.kkH, s.prekk);
    int rows = yLast - yFirst;
    // Horizontal only (then yFirst = 0 and rows = oh): write the result directly.
    std::vector<uint8_t>& dstBuf = needV ? s.temp : s.target(static_cast<size_t>(oh) * ow * c);
    dstBuf.resize(static_cast<size_t>(rows) * ow * c);
    if (c == 3) s.wide.resize(static_cast<size_t>(in.w));
    for (int y = 0; y < rows; ++y) {
      const uint8_t* src = in.row(y + yFirst);
      uint8_t* dst = dstBuf.data() + static_cast<size_t>(y) * ow * c;
      if (c == 3) {
        horizontalRow3(src, in.w, dst, ow, s.boundsH.data(), s.kkH.data(), ksizeH, s.wide.data());
        continue;
      }
      for (int xx = 0; xx < ow; ++xx) {
        int xmin = s.boundsH[xx * 2], xmax = s.boundsH[xx * 2 + 1];
        const int32_t* k = &s.kkH[static_cast<size_t>(xx) * ksizeH];
        for (int ch = 0; ch < c; ++ch) {
          int32_t acc = 1 << (kPrecisionBits - 1);
          for (int x = 0; x < xmax; ++x) acc += src[(xmin + x) * c + ch] * k[x];
          dst[xx * c + ch] = clip8(acc);
        }
      }
    }
    if (!needV) return s.commit(oh, ow, c);
    cur = View{s.temp.data(), rows, ow, c, static_cast<int64_t>(ow) * c};
  }
  auto& out = s.target(static_cast<size_t>(oh) * ow * c);
  const int rowLen = ow * c;
  s.acc.resize(static_cast<size_t>(rowLen));
  for (int yy = 0; yy < oh; ++yy) {
    int ymin = s.boundsV[yy * 2], ymax = s.boundsV[yy * 2 + 1];
    verticalRow(cur.row(ymin - yFirst), cur.rowStride, ymax, &s.kkV[static_cast<size_t>(yy) * ksizeV], rowLen, s.acc.data(),
                out.data() + static_cast<size_t>(yy) * rowLen);
  }
  return s.commit(oh, ow, c);
}

View flip(const View& in, bool horizontal, Scratch& s) {
  const int c = in.c;
  auto& out = s.target(static_cast<size_t>(in.h) * in.w * c);
  for (int y = 0; y < in.h; ++y) {
    const uint8_t* src = in.row(horizontal ? y : in.h - 1 - y);
    uint8_t* dst = out.data() + static_cast<size_t>(y) * in.w * c;
    if (horizontal) {
      for (int x = 0; x < in.w; ++x)
        for (int k = 0; k < c; ++k) dst[x * c + k] = src[(in.w - 1 - x) * c + k];
    } else {
      std::memcpy(dst, src, static_cast<size_t>(in.w) * c);
    }
  }
  return s.commit(in.h, in.w, c);
}

inline uint8_t luma(const uint8_t* p) {  // Pillow's L24: ITU-R 601-2 in 16.16 fixed point
  return static_cast<uint8_t>((p[0] * 19595 + p[1] * 38470 + p[2] * 7471 + 0x8000) >> 16);
}

View toChannels(const View& in, int outC, bool gray, Scratch& s) {
  if (in.c != 1 && in.c != 3) throw std::runtime_error("images must have 1 or 3 channels, got " + std::to_string(in.c));
  if (in.c == outC && (in.c == 1 || !gray)) return in;
  auto& out = s.target(static_cast<size_t>(in.h) * in.w * outC);
  for (int y = 0; y < in.h; ++y) {
    const uint8_t* src = in.row(y);
    uint8_t* dst = out.data() + static_cast<size_t>(y) * in.w * outC;
    for (int x = 0; x < in.w; ++x) {
      uint8_t v = in.c == 3 ? luma(src + x * 3) : src[x];
      for (int k = 0; k < outC; ++k) dst[x * outC + k] = v;
    }
  }
  return s.commit(in.h, in.w, outC);
}

// Pillow's ImagingBlend(degenerate, image, alpha) with a per-pixel degenerate.
inline uint8_t blend(int degenerate, int value, float alpha) {
  float temp = static_cast<float>(degenerate + alpha * (value - degenerate));
  if (temp <= 0.0f) return 0;
  if (temp >= 255.0f) return 255;
  return static_cast<uint8_t>(temp);
}

// The pixel-wise colour ops write into a fresh buffer (the source may be the
// caller's image, never written to).
View colour(const View& in, int op, double value, Scratch& s) {
  const int c = in.c;
  if (c == 1 && (op == kSaturation || op == kHue)) return in;  // no-ops on grayscale, as in torchvision
  auto& out = s.target(static_cast<size_t>(in.h) * in.w * c);
  const float alpha = static_cast<float>(value);
  int contrastMean = 0;
  if (op == kContrast) {
    // int(mean of the L image + 0.5), from its histogram like ImageStat
    double sum = 0;
    for (int y = 0; y < in.h; ++y) {
      const uint8_t* src = in.row(y);
      for (int x = 0; x < in.w; ++x) sum += c == 3 ? luma(src + x * 3) : src[x];
    }
    contrastMean = static_cast<int>(sum / (static_cast<double>(in.h) * in.w) + 0.5);
  }
  // hue: np.uint8(hue_factor * 255) added with wrap-around to Pillow's H
  const int hueShift = static_cast<int>(static_cast<int64_t>(value * 255) & 0xFF);
  for (int y = 0; y < in.h; ++y) {
    const uint8_t* src = in.row(y);
    uint8_t* dst = out.data() + static_cast<size_t>(y) * in.w * c;
    for (int x = 0; x < in.w; ++x) {
      const uint8_t* p = src + x * c;
      uint8_t* q = dst + x * c;
      switch (op) {
        case kBrightness:
          for (int k = 0; k < c; ++k) q[k] = blend(0, p[k], alpha);
          break;
        case kContrast:
          for (int k = 0; k < c; ++k) q[k] = blend(contrastMean, p[k], alpha);
          break;
        case kSaturation: {
          int l = luma(p);
          for (int k = 0; k < 3; ++k) q[k] = blend(l, p[k], alpha);
          break;
        }
        case kHue: {
          // Pillow rgb2hsv
          uint8_t r = p[0], g = p[1], b = p[2];
          uint8_t maxc = std::max(r, std::max(g, b)), minc = std::min(r, std::min(g, b));
          uint8_t uh = 0, us = 0, uv = maxc;
          if (minc != maxc) {
            float cr = static_cast<float>(maxc - minc);
            float sat = cr / static_cast<float>(maxc);
            float rc = static_cast<float>(maxc - r) / cr;
            float gc = static_cast<float>(maxc - g) / cr;
            float bc = static_cast<float>(maxc - b) / cr;
            float hh;
            if (r == maxc) hh = bc - gc;
            else if (g == maxc) hh = static_cast<float>(2.0 + rc - bc);  // double arithmetic, as in Pillow
            else hh = static_cast<float>(4.0 + gc - rc);
            hh = static_cast<float>(std::fmod(hh / 6.0 + 1.0, 1.0));
            uh = static_cast<uint8_t>(std::clamp(static_cast<int>(hh * 255.0), 0, 255));
            us = static_cast<uint8_t>(std::clamp(static_cast<int>(sat * 255.0), 0, 255));
          }
          uh = static_cast<uint8_t>((uh + hueShift) & 0xFF);
          // Pillow hsv2rgb
          if (us == 0) {
            q[0] = q[1] = q[2] = uv;
          } else {
            int i = static_cast<int>(std::floor(static_cast<float>(uh) * 6.0 / 255.0));
            float f = static_cast<float>(static_cast<float>(uh) * 6.0 / 255.0 - static_cast<float>(i));
            float fs = static_cast<float>(static_cast<float>(us) / 255.0);
            auto round8 = [](double v) { return static_cast<uint8_t>(std::clamp(static_cast<int>(std::round(v)), 0, 255)); };
            uint8_t pp = round8(static_cast<float>(uv) * (1.0 - fs));
            uint8_t qq = round8(static_cast<float>(uv) * (1.0 - fs * f));
            uint8_t tt = round8(static_cast<float>(uv) * (1.0 - fs * (1.0 - f)));
            switch (i % 6) {
              case 0: q[0] = uv; q[1] = tt; q[2] = pp; break;
              case 1: q[0] = qq; q[1] = uv; q[2] = pp; break;
              case 2: q[0] = pp; q[1] = uv; q[2] = tt; break;
              case 3: q[0] = pp; q[1] = qq; q[2] = uv; break;
              case 4: q[0] = tt; q[1] = pp; q[2] = uv; break;
              default: q[0] = uv; q[1] = pp; q[2] = qq; break;
            }
          }
          break;
        }
        default: break;
      }
    }
  }
  return s.commit(in.h, in.w, c);
}

View runProgram(View cur, const double* prog, int64_t length, Scratch& s) {
  s.active = -1;
  int64_t i = 0;
  while (i < length) {
    int op = static_cast<int>(prog[i]);
    int nargs = opArgs(op);
    if (nargs < 0 || i + 1 + nargs > length) throw std::runtime_error("malformed transform program (op " + std::to_string(op) + ")");
    const double* a = prog + i + 1;
    switch (op) {
      case kCrop: cur = crop(cur, a, s); break;
      case kResize: {
        int x0 = static_cast<int>(a[0]), y0 = static_cast<int>(a[1]), w = static_cast<int>(a[2]), h = static_cast<int>(a[3]);
        if (x0 < 0 || y0 < 0 || w <= 0 || h <= 0 || x0 + w > cur.w || y0 + h > cur.h) {
          throw std::runtime_error("resize box (" + std::to_string(x0) + ", " + std::to_string(y0) + ", " + std::to_string(w) +
                                   ", " + std::to_string(h) + ") is outside the " + std::to_string(cur.w) + "x" +
                                   std::to_string(cur.h) + " image");
        }
        View box{cur.row(y0) + static_cast<int64_t>(x0) * cur.c, h, w, cur.c, cur.rowStride};
        cur = resize(box, static_cast<int>(a[4]), static_cast<int>(a[5]), static_cast<int>(a[6]), s);
        break;
      }
      case kFlipH: cur = flip(cur, true, s); break;
      case kFlipV: cur = flip(cur, false, s); break;
      case kGray: cur = toChannels(cur, static_cast<int>(a[0]), true, s); break;
      case kRgb: cur = toChannels(cur, 3, false, s); break;
      default: cur = colour(cur, op, a[0], s); break;
    }
    i += 1 + nargs;
  }
  return cur;
}

// One batch job: sources, which source (and row of it) each sample reads,
// programs, and the output layout.
struct BatchJob {
  std::vector<at::Tensor> sources;
  std::vector<int32_t> sourceOf, rowOf;
  std::vector<double> programs;
  std::vector<int64_t> offsets;
  int64_t outC = 0, outH = 0, outW = 0;
  bool uint8Output = false;
  std::vector<float> lut;  // [outC][256]: ToTensor + Normalize in float32, as torchvision computes them
  int threads = 1;
};

at::Tensor runBatch(const BatchJob& job) {
  const int64_t n = static_cast<int64_t>(job.sourceOf.size());
  at::Tensor out = job.uint8Output ? at::empty({n, job.outH, job.outW, job.outC}, at::TensorOptions().dtype(at::kByte))
                                   : at::empty({n, job.outC, job.outH, job.outW}, at::TensorOptions().dtype(at::kFloat));
  const int64_t plane = job.outH * job.outW, sampleSize = plane * job.outC;
  std::mutex errorMutex;
  std::string firstError;
  int64_t errorSample = -1;
  std::vector<Scratch> scratch(static_cast<size_t>(threadsFor(n, job.threads)));
  auto process = [&](int64_t i, Scratch& s) {
    const at::Tensor& src = job.sources[static_cast<size_t>(job.sourceOf[i])];
    const int64_t d = src.dim() - 3;  // 1 for a stack of images [N, H, W, C], 0 for one [H, W, C]
    const int64_t h = src.size(d), w = src.size(d + 1), c = src.size(d + 2);
    View view{src.data_ptr<uint8_t>() + (d ? job.rowOf[i] * h * w * c : 0), static_cast<int>(h), static_cast<int>(w),
              static_cast<int>(c), w * c};
    View res = runProgram(view, job.programs.data() + job.offsets[i], job.offsets[i + 1] - job.offsets[i], s);
    if (res.c != job.outC || res.h != job.outH || res.w != job.outW) {
      throw std::runtime_error("transforms produced a " + std::to_string(res.c) + "x" + std::to_string(res.h) + "x" +
                               std::to_string(res.w) + " image (CxHxW), but the batch is " + std::to_string(job.outC) + "x" +
                               std::to_string(job.outH) + "x" + std::to_string(job.outW));
    }
    if (job.uint8Output) {
      uint8_t* dst = out.data_ptr<uint8_t>() + i * sampleSize;
      for (int y = 0; y < res.h; ++y) std::memcpy(dst + static_cast<int64_t>(y) * res.w * res.c, res.row(y), static_cast<size_t>(res.w) * res.c);
    } else {
      float* dst = out.data_ptr<float>() + i * sampleSize;
      const int c = res.c;
      for (int k = 0; k < c; ++k) {
        const float* lut = job.lut.data() + k * 256;
        float* plane0 = dst + k * plane;
        for (int y = 0; y < res.h; ++y) {
          const uint8_t* p = res.row(y) + k;
          float* q = plane0 + static_cast<int64_t>(y) * res.w;
          for (int x = 0; x < res.w; ++x) q[x] = lut[p[x * c]];
        }
      }
    }
  };
  std::atomic<bool> failed{false};
  parallelFor(n, job.threads, [&](int64_t i, int t) {
    if (failed.load()) return;  // the batch is lost: skip the rest
    try {
      process(i, scratch[static_cast<size_t>(t)]);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(errorMutex);
      if (errorSample < 0 || i < errorSample) {
        errorSample = i;
        firstError = e.what();
      }
      failed.store(true);
    }
  });
  if (errorSample >= 0) throw std::runtime_error("sample " + std::to_string(errorSample) + " of the batch: " + firstError);
  return out;
}

// ---------------------------------------------------------------------------
// Argument parsing for augmentBatch.
template <typename T>
std::vector<T> typedVector(const Napi::Value& value, napi_typedarray_type type, const char* what) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(value.Env(), std::string("expected a typed array of the right type for '") + what + "'");
  }
  auto array = value.As<Napi::TypedArray>();
  const T* data = reinterpret_cast<const T*>(static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset());
  return std::vector<T>(data, data + array.ElementLength());
}

std::vector<double> numberList(const Napi::Value& value, const char* what) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string("expected an array of numbers for '") + what + "'");
  auto array = value.As<Napi::Array>();
  std::vector<double> out;
  for (uint32_t i = 0; i < array.Length(); ++i) out.push_back(toDouble(array.Get(i), what));
  return out;
}

// augmentBatch(sources, items, programs, offsets, outShape [C,H,W], mode, mean, std, threads)
BatchJob parseJob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BatchJob job;
  job.sources = unwrapTensorList(info[0], "sources");
  for (size_t i = 0; i < job.sources.size(); ++i) {
    const at::Tensor& t = job.sources[i];
    if (t.scalar_type() != at::kByte || !t.device().is_cpu() || !t.is_contiguous() || (t.dim() != 3 && t.dim() != 4)) {
      throw Napi::TypeError::New(env, "augmentBatch: source " + std::to_string(i) +
                                          " must be a contiguous uint8 CPU tensor [H, W, C] or [N, H, W, C]");
    }
  }
  auto items = typedVector<int32_t>(info[1], napi_int32_array, "items");
  if (items.size() % 2 != 0) throw Napi::TypeError::New(env, "'items' must hold (source, row) pairs");
  const size_t n = items.size() / 2;
  for (size_t i = 0; i < n; ++i) {
    int32_t s = items[2 * i], row = items[2 * i + 1];
    if (s < 0 || static_cast<size_t>(s) >= job.sources.size()) throw Napi::RangeError::New(env, "item source index out of range");
    const at::Tensor& t = job.sources[static_cast<size_t>(s)];
    if (t.dim() == 4 && (row < 0 || row >= t.size(0))) throw Napi::RangeError::New(env, "item row out of range");
    job.sourceOf.push_back(s);
    job.rowOf.push_back(row);
  }
  job.programs = typedVector<double>(info[2], napi_float64_array, "programs");
  auto offsets = typedVector<int32_t>(info[3], napi_int32_array, "offsets");
  if (offsets.size() != n + 1) throw Napi::RangeError::New(env, "'offsets' must have one entry per item plus one");
  for (size_t i = 0; i <= n; ++i) {
    if (offsets[i] < 0 || static_cast<size_t>(offsets[i]) > job.programs.size() || (i > 0 && offsets[i] < offsets[i - 1])) {
      throw Napi::RangeError::New(env, "'offsets' out of range");
    }
    job.offsets.push_back(offsets[i]);
  }
  auto shape = toIntVector(info[4], "outShape");
  if (shape.size() != 3 || shape[0] <= 0 || shape[1] <= 0 || shape[2] <= 0) throw Napi::RangeError::New(env, "'outShape' must be [C, H, W]");
  job.outC = shape[0];
  job.outH = shape[1];
  job.outW = shape[2];
  std::string mode = toString(info[5], "mode");
  if (mode != "float" && mode != "uint8") throw Napi::TypeError::New(env, "'mode' must be 'float' or 'uint8'");
  job.uint8Output = mode == "uint8";
  if (!job.uint8Output) {
    auto mean = numberList(info[6], "mean"), stdev = numberList(info[7], "std");
    auto pick = [&](const std::vector<double>& v, int64_t k, const char* what) {
      if (v.size() == 1) return static_cast<float>(v[0]);
      if (static_cast<int64_t>(v.size()) != job.outC) {
        throw Napi::RangeError::New(env, std::string("'") + what + "' needs 1 or " + std::to_string(job.outC) + " values");
      }
      return static_cast<float>(v[static_cast<size_t>(k)]);
    };
    job.lut.resize(static_cast<size_t>(job.outC) * 256);
    for (int64_t k = 0; k < job.outC; ++k) {
      float m = pick(mean, k, "mean"), sd = pick(stdev, k, "std");
      if (sd == 0.0f) throw Napi::RangeError::New(env, "'std' must not be 0");
      for (int v = 0; v < 256; ++v) job.lut[static_cast<size_t>(k * 256 + v)] = (static_cast<float>(v) / 255.0f - m) / sd;
    }
  }
  job.threads = static_cast<int>(std::max<int64_t>(1, toInt(info[8], "threads")));
  return job;
}

class BatchWorker : public Napi::AsyncWorker {
 public:
  BatchWorker(Napi::Env env, BatchJob job)
      : Napi::AsyncWorker(env, "fastda.augmentBatch"), deferred_(Napi::Promise::Deferred::New(env)), job_(std::move(job)) {}
  Napi::Promise promise() const { return deferred_.Promise(); }
  void Execute() override {
    try {
      out_ = runBatch(job_);
    } catch (const c10::Error& e) {
      SetError(cleanMessage(e.what_without_backtrace()));
    } catch (const std::exception& e) {
      SetError(e.what());
    }
    job_.sources.clear();
  }
  void OnOK() override { deferred_.Resolve(wrapTensor(Env(), std::move(out_))); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  BatchJob job_;
  at::Tensor out_;
};

Napi::Value augmentBatch(const Napi::CallbackInfo& info) {
  BatchJob job = parseJob(info);
  return wrapTensor(info.Env(), runBatch(job));
}

Napi::Value augmentBatchAsync(const Napi::CallbackInfo& info) {
  auto* worker = new BatchWorker(info.Env(), parseJob(info));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// decodeImages(paths, threads, minShortSide) -> Promise<(tensor | string | null)[]>
// tensor: uint8 [H, W, C] (C = 1 or 3); string: why it failed; null: not a
// format this decoder handles (the caller falls back to sharp).
class DecodeWorker : public Napi::AsyncWorker {
 public:
  DecodeWorker(Napi::Env env, std::vector<std::string> paths, int threads, int minShortSide)
      : Napi::AsyncWorker(env, "fastda.decodeImages"),
        deferred_(Napi::Promise::Deferred::New(env)),
        paths_(std::move(paths)),
        threads_(threads),
        minShortSide_(minShortSide),
        results_(paths_.size()) {}
  Napi::Promise promise() const { return deferred_.Promise(); }
  void Execute() override {
    parallelFor(static_cast<int64_t>(paths_.size()), threads_, [&](int64_t i, int) {
      std::vector<uint8_t> bytes;
      try {
        decodeFile(paths_[static_cast<size_t>(i)], minShortSide_, bytes, results_[static_cast<size_t>(i)]);
      } catch (const std::exception& e) {
        results_[static_cast<size_t>(i)].status = DecodeStatus::Failed;
        results_[static_cast<size_t>(i)].error = e.what();
      }
    });
  }
  void OnOK() override {
    Napi::Env env = Env();
    auto array = Napi::Array::New(env, results_.size());
    for (size_t i = 0; i < results_.size(); ++i) {
      auto& r = results_[i];
      if (r.status == DecodeStatus::Ok) array.Set(static_cast<uint32_t>(i), wrapTensor(env, std::move(r.image)));
      else if (r.status == DecodeStatus::Failed) array.Set(static_cast<uint32_t>(i), Napi::String::New(env, r.error));
      else array.Set(static_cast<uint32_t>(i), env.Null());
    }
    deferred_.Resolve(array);
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::vector<std::string> paths_;
  int threads_;
  int minShortSide_;
  std::vector<Decoded> results_;
};

Napi::Value decodeImages(const Napi::CallbackInfo& info) {
  if (!info[0].IsArray()) throw Napi::TypeError::New(info.Env(), "expected an array of file paths for 'paths'");
  auto array = info[0].As<Napi::Array>();
  std::vector<std::string> paths;
  for (uint32_t i = 0; i < array.Length(); ++i) paths.push_back(toString(array.Get(i), "paths"));
  int threads = static_cast<int>(std::max<int64_t>(1, toInt(info[1], "threads")));
  int minShortSide = static_cast<int>(std::max<int64_t>(0, toInt(info[2], "minShortSide")));
  auto* worker = new DecodeWorker(info.Env(), std::move(paths), threads, minShortSide);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

Napi::Value dataBackend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto result = Napi::Object::New(env);
#ifdef FASTDA_HAVE_JPEG
  const JpegApi& api = jpegApi();
  result.Set("jpeg", Napi::Boolean::New(env, api.ok));
  result.Set("jpegLibrary", api.ok ? Napi::Value(Napi::String::New(env, api.library)) : env.Null());
#else
  result.Set("jpeg", Napi::Boolean::New(env, false));
  result.Set("jpegLibrary", env.Null());
#endif
  return result;
}

}  // namespace

void initData(Napi::Env env, Napi::Object exports) {
  (void)env;
  FASTDA_EXPORT(exports, "augmentBatch", augmentBatch);
  FASTDA_EXPORT(exports, "augmentBatchAsync", augmentBatchAsync);
  FASTDA_EXPORT(exports, "decodeImages", decodeImages);
  FASTDA_EXPORT(exports, "dataBackend", dataBackend);
}

}  // namespace fastda
