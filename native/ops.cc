// Elementwise math, reductions, linear algebra and shape/indexing ops.
// Every function takes tensor handles first, then plain JS options.
#include "common.h"

namespace fastda {
namespace {

using Unary = at::Tensor (*)(const at::Tensor&);

template <Unary Op>
Napi::Value unary(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), Op(unwrapTensor(info[0], "input")));
}

at::Tensor opNeg(const at::Tensor& t) { return t.neg(); }
at::Tensor opAbs(const at::Tensor& t) { return t.abs(); }
at::Tensor opExp(const at::Tensor& t) { return t.exp(); }
at::Tensor opLog(const at::Tensor& t) { return t.log(); }
at::Tensor opLog1p(const at::Tensor& t) { return t.log1p(); }
at::Tensor opSqrt(const at::Tensor& t) { return t.sqrt(); }
at::Tensor opSquare(const at::Tensor& t) { return t.mul(t); }
at::Tensor opReciprocal(const at::Tensor& t) { return t.reciprocal(); }
at::Tensor opSign(const at::Tensor& t) { return t.sign(); }
at::Tensor opFloor(const at::Tensor& t) { return t.floor(); }
at::Tensor opCeil(const at::Tensor& t) { return t.ceil(); }
at::Tensor opRound(const at::Tensor& t) { return t.round(); }
at::Tensor opRelu(const at::Tensor& t) { return t.relu(); }
at::Tensor opSigmoid(const at::Tensor& t) { return t.sigmoid(); }
at::Tensor opTanh(const at::Tensor& t) { return t.tanh(); }
at::Tensor opDetach(const at::Tensor& t) { return t.detach(); }
at::Tensor opClone(const at::Tensor& t) { return t.clone(); }
at::Tensor opContiguous(const at::Tensor& t) { return t.contiguous(); }
at::Tensor opIsNan(const at::Tensor& t) { return t.isnan(); }
at::Tensor opIsFinite(const at::Tensor& t) { return t.isfinite(); }
at::Tensor opLogicalNot(const at::Tensor& t) { return t.logical_not(); }
at::Tensor opT(const at::Tensor& t) { return t.t(); }

// Binary ops accept a tensor or a JS number/boolean as the second operand.
using BinaryTT = at::Tensor (*)(const at::Tensor&, const at::Tensor&);
using BinaryTS = at::Tensor (*)(const at::Tensor&, const at::Scalar&);

template <BinaryTT OpT, BinaryTS OpS>
Napi::Value binary(const Napi::CallbackInfo& info) {
  const at::Tensor& a = unwrapTensor(info[0], "input");
  if (isTensorHandle(info[1])) return wrapTensor(info.Env(), OpT(a, unwrapTensor(info[1], "other")));
  return wrapTensor(info.Env(), OpS(a, toScalar(info[1], "other")));
}

#define FASTDA_BINARY(name, expr)                                                        \
  at::Tensor name##TT(const at::Tensor& a, const at::Tensor& b) { return a.expr(b); }    \
  at::Tensor name##TS(const at::Tensor& a, const at::Scalar& b) { return a.expr(b); }
FASTDA_BINARY(add, add)
FASTDA_BINARY(sub, sub)
FASTDA_BINARY(mul, mul)
FASTDA_BINARY(div, div)
FASTDA_BINARY(pow, pow)
FASTDA_BINARY(eq, eq)
FASTDA_BINARY(ne, ne)
FASTDA_BINARY(lt, lt)
FASTDA_BINARY(le, le)
FASTDA_BINARY(gt, gt)
FASTDA_BINARY(ge, ge)
FASTDA_BINARY(remainder, remainder)
#undef FASTDA_BINARY

template <BinaryTT Op>
Napi::Value binaryTensors(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), Op(unwrapTensor(info[0], "input"), unwrapTensor(info[1], "other")));
}
at::Tensor opMatmul(const at::Tensor& a, const at::Tensor& b) { return a.matmul(b); }
at::Tensor opMm(const at::Tensor& a, const at::Tensor& b) { return a.mm(b); }
at::Tensor opBmm(const at::Tensor& a, const at::Tensor& b) { return a.bmm(b); }
at::Tensor opOuter(const at::Tensor& a, const at::Tensor& b) { return at::outer(a, b); }
at::Tensor opMaximum(const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); }
at::Tensor opMinimum(const at::Tensor& a, const at::Tensor& b) { return at::minimum(a, b); }
at::Tensor opLogicalAnd(const at::Tensor& a, const at::Tensor& b) { return a.logical_and(b); }
at::Tensor opLogicalOr(const at::Tensor& a, const at::Tensor& b) { return a.logical_or(b); }

Napi::Value clamp(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  c10::optional<at::Scalar> lo, hi;
  if (!isNullish(info[1])) lo = toScalar(info[1], "min");
  if (!isNullish(info[2])) hi = toScalar(info[2], "max");
  return wrapTensor(info.Env(), at::clamp(t, lo, hi));
}

Napi::Value leakyRelu(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::leaky_relu(unwrapTensor(info[0], "input"), toScalar(info[1], "negativeSlope")));
}

// In-place updates run without autograd history (parameter and buffer writes)
// and return nothing, so no extra handle is created.
Napi::Value fill(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  unwrapTensor(info[0], "input").fill_(toScalar(info[1], "value"));
  return info.Env().Undefined();
}

Napi::Value zero(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  unwrapTensor(info[0], "input").zero_();
  return info.Env().Undefined();
}

Napi::Value copy(const Napi::CallbackInfo& info) {
  at::NoGradGuard guard;
  unwrapTensor(info[0], "destination").copy_(unwrapTensor(info[1], "source"));
  return info.Env().Undefined();
}

// Reductions over `dims` (null: all dims) with keepdim.
Napi::Value sum(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  auto dims = toOptionalIntVector(info[1], "dim");
  if (!dims) return wrapTensor(info.Env(), t.sum());
  return wrapTensor(info.Env(), t.sum(*dims, toBool(info[2], "keepdim")));
}

Napi::Value mean(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  auto dims = toOptionalIntVector(info[1], "dim");
  if (!dims) return wrapTensor(info.Env(), t.mean());
  return wrapTensor(info.Env(), t.mean(*dims, toBool(info[2], "keepdim")));
}

Napi::Value prod(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  if (isNullish(info[1])) return wrapTensor(info.Env(), t.prod());
  return wrapTensor(info.Env(), t.prod(toInt(info[1], "dim"), toBool(info[2], "keepdim")));
}

Napi::Value logsumexp(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").logsumexp(toIntVector(info[1], "dim"), toBool(info[2], "keepdim")));
}

// var/std(input, dims|null, unbiased, keepdim)
template <bool IsStd>
Napi::Value varStd(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  auto dims = toOptionalIntVector(info[1], "dim");
  bool unbiased = toBool(info[2], "unbiased"), keepdim = toBool(info[3], "keepdim");
  at::OptionalIntArrayRef dimRef = dims ? at::OptionalIntArrayRef(*dims) : at::OptionalIntArrayRef();
  return wrapTensor(info.Env(), IsStd ? at::std(t, dimRef, unbiased, keepdim) : at::var(t, dimRef, unbiased, keepdim));
}

// max/min(input, dim|null, keepdim): [values, indices] over a dim, or a 0-d tensor.
template <bool IsMax>
Napi::Value maxMin(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  if (isNullish(info[1])) return wrapTensor(info.Env(), IsMax ? t.max() : t.min());
  auto result = IsMax ? t.max(toInt(info[1], "dim"), toBool(info[2], "keepdim")) : t.min(toInt(info[1], "dim"), toBool(info[2], "keepdim"));
  return wrapTensorList(info.Env(), {std::get<0>(result), std::get<1>(result)});
}

template <bool IsMax>
Napi::Value argMaxMin(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  c10::optional<int64_t> d;
  if (!isNullish(info[1])) d = toInt(info[1], "dim");
  bool keepdim = !isNullish(info[2]) && toBool(info[2], "keepdim");
  return wrapTensor(info.Env(), IsMax ? t.argmax(d, keepdim) : t.argmin(d, keepdim));
}

Napi::Value all(const Napi::CallbackInfo& info) { return wrapTensor(info.Env(), unwrapTensor(info[0], "input").all()); }
Napi::Value any(const Napi::CallbackInfo& info) { return wrapTensor(info.Env(), unwrapTensor(info[0], "input").any()); }

// norm(input, p, dims|null, keepdim)
Napi::Value norm(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  at::Scalar p = toScalar(info[1], "p");
  auto dims = toOptionalIntVector(info[2], "dim");
  if (!dims) return wrapTensor(info.Env(), at::norm(t, p));
  return wrapTensor(info.Env(), at::norm(t, c10::optional<at::Scalar>(p), *dims, toBool(info[3], "keepdim")));
}

Napi::Value topk(const Napi::CallbackInfo& info) {
  auto result = unwrapTensor(info[0], "input").topk(toInt(info[1], "k"), toInt(info[2], "dim"), toBool(info[3], "largest"), true);
  return wrapTensorList(info.Env(), {std::get<0>(result), std::get<1>(result)});
}

Napi::Value sort(const Napi::CallbackInfo& info) {
  auto result = unwrapTensor(info[0], "input").sort(toInt(info[1], "dim"), toBool(info[2], "descending"));
  return wrapTensorList(info.Env(), {std::get<0>(result), std::get<1>(result)});
}

Napi::Value cumsum(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").cumsum(toInt(info[1], "dim")));
}

// Shapes and views.
Napi::Value view(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").view(toIntVector(info[1], "shape")));
}
Napi::Value reshape(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").reshape(toIntVector(info[1], "shape")));
}
Napi::Value expand(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").expand(toIntVector(info[1], "shape")));
}
Napi::Value repeat(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").repeat(toIntVector(info[1], "repeats")));
}
Napi::Value permute(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").permute(toIntVector(info[1], "dims")));
}
Napi::Value flatten(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").flatten(toInt(info[1], "startDim"), toInt(info[2], "endDim")));
}
Napi::Value transpose(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").transpose(toInt(info[1], "dim0"), toInt(info[2], "dim1")));
}
Napi::Value squeeze(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  if (isNullish(info[1])) return wrapTensor(info.Env(), t.squeeze());
  return wrapTensor(info.Env(), t.squeeze(toInt(info[1], "dim")));
}
Napi::Value unsqueeze(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").unsqueeze(toInt(info[1], "dim")));
}
Napi::Value narrow(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(),
                    unwrapTensor(info[0], "input").narrow(toInt(info[1], "dim"), toInt(info[2], "start"), toInt(info[3], "length")));
}
// slice(input, dim, start|null, end|null, step)
Napi::Value slice(const Napi::CallbackInfo& info) {
  c10::optional<int64_t> start, end;
  if (!isNullish(info[2])) start = toInt(info[2], "start");
  if (!isNullish(info[3])) end = toInt(info[3], "end");
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").slice(toInt(info[1], "dim"), start, end, toInt(info[4], "step")));
}
Napi::Value select(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").select(toInt(info[1], "dim"), toInt(info[2], "index")));
}
Napi::Value indexSelect(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").index_select(toInt(info[1], "dim"), unwrapTensor(info[2], "index")));
}
Napi::Value gather(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").gather(toInt(info[1], "dim"), unwrapTensor(info[2], "index")));
}
Napi::Value maskedSelect(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").masked_select(unwrapTensor(info[1], "mask")));
}
Napi::Value maskedFill(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  const at::Tensor& mask = unwrapTensor(info[1], "mask");
  if (isTensorHandle(info[2])) return wrapTensor(info.Env(), t.masked_fill(mask, unwrapTensor(info[2], "value")));
  return wrapTensor(info.Env(), t.masked_fill(mask, toScalar(info[2], "value")));
}
Napi::Value where(const Napi::CallbackInfo& info) {
  const at::Tensor& cond = unwrapTensor(info[0], "condition");
  bool aT = isTensorHandle(info[1]), bT = isTensorHandle(info[2]);
  if (aT && bT) return wrapTensor(info.Env(), at::where(cond, unwrapTensor(info[1], "input"), unwrapTensor(info[2], "other")));
  if (aT) return wrapTensor(info.Env(), at::where(cond, unwrapTensor(info[1], "input"), toScalar(info[2], "other")));
  if (bT) return wrapTensor(info.Env(), at::where(cond, toScalar(info[1], "input"), unwrapTensor(info[2], "other")));
  return wrapTensor(info.Env(), at::where(cond, toScalar(info[1], "input"), toScalar(info[2], "other")));
}
Napi::Value cat(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::cat(unwrapTensorList(info[0], "tensors"), toInt(info[1], "dim")));
}
Napi::Value stack(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::stack(unwrapTensorList(info[0], "tensors"), toInt(info[1], "dim")));
}
Napi::Value chunk(const Napi::CallbackInfo& info) {
  return wrapTensorList(info.Env(), unwrapTensor(info[0], "input").chunk(toInt(info[1], "chunks"), toInt(info[2], "dim")));
}
// split(input, size | sizes[], dim)
Napi::Value split(const Napi::CallbackInfo& info) {
  const at::Tensor& t = unwrapTensor(info[0], "input");
  int64_t d = toInt(info[2], "dim");
  if (info[1].IsNumber()) return wrapTensorList(info.Env(), t.split(toInt(info[1], "splitSize"), d));
  return wrapTensorList(info.Env(), t.split_with_sizes(toIntVector(info[1], "splitSizes"), d));
}
// asStrided(input, size, stride, storageOffset): a view with explicit strides.
Napi::Value asStrided(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), unwrapTensor(info[0], "input").as_strided(toIntVector(info[1], "size"), toIntVector(info[2], "stride"),
                                                                          toInt(info[3], "storageOffset")));
}
Napi::Value oneHot(const Napi::CallbackInfo& info) {
  return wrapTensor(info.Env(), at::one_hot(unwrapTensor(info[0], "input"), toInt(info[1], "numClasses")));
}

}  // namespace

void initOps(Napi::Env env, Napi::Object exports) {
  (void)env;
  FASTDA_EXPORT(exports, "neg", unary<opNeg>);
  FASTDA_EXPORT(exports, "abs", unary<opAbs>);
  FASTDA_EXPORT(exports, "exp", unary<opExp>);
  FASTDA_EXPORT(exports, "log", unary<opLog>);
  FASTDA_EXPORT(exports, "log1p", unary<opLog1p>);
  FASTDA_EXPORT(exports, "sqrt", unary<opSqrt>);
  FASTDA_EXPORT(exports, "square", unary<opSquare>);
  FASTDA_EXPORT(exports, "reciprocal", unary<opReciprocal>);
  FASTDA_EXPORT(exports, "sign", unary<opSign>);
  FASTDA_EXPORT(exports, "floor", unary<opFloor>);
  FASTDA_EXPORT(exports, "ceil", unary<opCeil>);
  FASTDA_EXPORT(exports, "round", unary<opRound>);
  FASTDA_EXPORT(exports, "relu", unary<opRelu>);
  FASTDA_EXPORT(exports, "sigmoid", unary<opSigmoid>);
  FASTDA_EXPORT(exports, "tanh", unary<opTanh>);
  FASTDA_EXPORT(exports, "detach", unary<opDetach>);
  FASTDA_EXPORT(exports, "clone", unary<opClone>);
  FASTDA_EXPORT(exports, "contiguous", unary<opContiguous>);
  FASTDA_EXPORT(exports, "isnan", unary<opIsNan>);
  FASTDA_EXPORT(exports, "isfinite", unary<opIsFinite>);
  FASTDA_EXPORT(exports, "logicalNot", unary<opLogicalNot>);
  FASTDA_EXPORT(exports, "t", unary<opT>);
  FASTDA_EXPORT(exports, "zero_", zero);
  FASTDA_EXPORT(exports, "add", (binary<addTT, addTS>));
  FASTDA_EXPORT(exports, "sub", (binary<subTT, subTS>));
  FASTDA_EXPORT(exports, "mul", (binary<mulTT, mulTS>));
  FASTDA_EXPORT(exports, "div", (binary<divTT, divTS>));
  FASTDA_EXPORT(exports, "pow", (binary<powTT, powTS>));
  FASTDA_EXPORT(exports, "eq", (binary<eqTT, eqTS>));
  FASTDA_EXPORT(exports, "ne", (binary<neTT, neTS>));
  FASTDA_EXPORT(exports, "lt", (binary<ltTT, ltTS>));
  FASTDA_EXPORT(exports, "le", (binary<leTT, leTS>));
  FASTDA_EXPORT(exports, "gt", (binary<gtTT, gtTS>));
  FASTDA_EXPORT(exports, "ge", (binary<geTT, geTS>));
  FASTDA_EXPORT(exports, "remainder", (binary<remainderTT, remainderTS>));
  FASTDA_EXPORT(exports, "matmul", binaryTensors<opMatmul>);
  FASTDA_EXPORT(exports, "mm", binaryTensors<opMm>);
  FASTDA_EXPORT(exports, "bmm", binaryTensors<opBmm>);
  FASTDA_EXPORT(exports, "outer", binaryTensors<opOuter>);
  FASTDA_EXPORT(exports, "maximum", binaryTensors<opMaximum>);
  FASTDA_EXPORT(exports, "minimum", binaryTensors<opMinimum>);
  FASTDA_EXPORT(exports, "logicalAnd", binaryTensors<opLogicalAnd>);
  FASTDA_EXPORT(exports, "logicalOr", binaryTensors<opLogicalOr>);
  FASTDA_EXPORT(exports, "copy_", copy);
  FASTDA_EXPORT(exports, "clamp", clamp);
  FASTDA_EXPORT(exports, "leakyRelu", leakyRelu);
  FASTDA_EXPORT(exports, "fill_", fill);
  FASTDA_EXPORT(exports, "sum", sum);
  FASTDA_EXPORT(exports, "mean", mean);
  FASTDA_EXPORT(exports, "prod", prod);
  FASTDA_EXPORT(exports, "logsumexp", logsumexp);
  FASTDA_EXPORT(exports, "var", varStd<false>);
  FASTDA_EXPORT(exports, "std", varStd<true>);
  FASTDA_EXPORT(exports, "max", maxMin<true>);
  FASTDA_EXPORT(exports, "min", maxMin<false>);
  FASTDA_EXPORT(exports, "argmax", argMaxMin<true>);
  FASTDA_EXPORT(exports, "argmin", argMaxMin<false>);
  FASTDA_EXPORT(exports, "all", all);
  FASTDA_EXPORT(exports, "any", any);
  FASTDA_EXPORT(exports, "norm", norm);
  FASTDA_EXPORT(exports, "topk", topk);
  FASTDA_EXPORT(exports, "sort", sort);
  FASTDA_EXPORT(exports, "cumsum", cumsum);
  FASTDA_EXPORT(exports, "view", view);
  FASTDA_EXPORT(exports, "reshape", reshape);
  FASTDA_EXPORT(exports, "expand", expand);
  FASTDA_EXPORT(exports, "repeat", repeat);
  FASTDA_EXPORT(exports, "permute", permute);
  FASTDA_EXPORT(exports, "flatten", flatten);
  FASTDA_EXPORT(exports, "transpose", transpose);
  FASTDA_EXPORT(exports, "squeeze", squeeze);
  FASTDA_EXPORT(exports, "unsqueeze", unsqueeze);
  FASTDA_EXPORT(exports, "narrow", narrow);
  FASTDA_EXPORT(exports, "slice", slice);
  FASTDA_EXPORT(exports, "select", select);
  FASTDA_EXPORT(exports, "indexSelect", indexSelect);
  FASTDA_EXPORT(exports, "gather", gather);
  FASTDA_EXPORT(exports, "maskedSelect", maskedSelect);
  FASTDA_EXPORT(exports, "maskedFill", maskedFill);
  FASTDA_EXPORT(exports, "where", where);
  FASTDA_EXPORT(exports, "cat", cat);
  FASTDA_EXPORT(exports, "stack", stack);
  FASTDA_EXPORT(exports, "chunk", chunk);
  FASTDA_EXPORT(exports, "split", split);
  FASTDA_EXPORT(exports, "oneHot", oneHot);
  FASTDA_EXPORT(exports, "asStrided", asStrided);
}

}  // namespace fastda
