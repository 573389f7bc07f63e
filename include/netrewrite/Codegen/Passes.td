//===- Passes.td - netrewrite code generation passes -------*- tablegen -*-===//

#ifndef NETREWRITE_CODEGEN_PASSES_TD
#define NETREWRITE_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def ScheduleCPU : Pass<"netrewrite-schedule-cpu", "mlir::func::FuncOp"> {
  let summary = "Tile, parallelise and vectorise linalg ops on tensors for the host CPU";
  let description = [{
    Chooses a schedule for every linalg op of the function from its kind and
    static shape and applies it with the transform dialect interpreter:

    - `linalg.conv_2d_nhwc_hwcf`, `linalg.depthwise_conv_2d_nhwc_hwc[m]` and
      `linalg.pooling_nhwc_*`: an `scf.forall` over (batch, output row), an
      `scf.for` nest over output-column / channel tiles, decomposition to the
      1-D op (the kernel-row loop is tiled to 1) and vectorisation;
    - `linalg.batch_matmul` / `linalg.matmul`: an `scf.forall` over row blocks
      (over column panels when the input rows fit in L2: a dense layer on a
      batch), register tiles of at most 8x32 and vectorisation to
      `vector.contract`;
    - every other all-parallel op (elementwise chains after fusion, fills,
      transposes, broadcasts): `scf.forall` over the leading dimensions and
      vectors of at most 8x64 on the trailing ones.

    Tile sizes are divisors of the static sizes, so every tile is full and no
    masking is needed. An op whose schedule fails to apply stays as it was
    (it then becomes scalar loops); `print-schedules` prints each generated
    transform script, which reproduces the step with `mlir-opt
    --transform-interpreter`.
  }];
  let options = [
    Option<"printSchedules", "print-schedules", "bool", "false",
           "Print the transform script generated for each op to stderr">,
    Option<"fuseEpilogues", "fuse-epilogues", "bool", "true",
           "Fuse the element-wise consumer of a convolution, pooling or "
           "matmul into its loops (computed on the output tile in cache)">,
    Option<"initInRegisters", "init-in-registers", "bool", "true",
           "Fuse a convolution's or pooling's init (zero fill, bias "
           "broadcast) into its register-tile loops, so the accumulators "
           "start from it in registers (netrewrite-lower-vectors-cpu)">,
    Option<"scheduleAnchors", "anchors", "bool", "true",
           "Schedule convolutions, poolings and contractions (with their "
           "fused inits and epilogues)">,
    Option<"scheduleOthers", "others", "bool", "true",
           "Schedule every other op (element-wise, reductions, copies, "
           "transposes); the CPU pipeline runs "
           "netrewrite-pack-filter-values between the two halves">,
  ];
  let dependentDialects = [
    "mlir::transform::TransformDialect", "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::vector::VectorDialect", "mlir::arith::ArithDialect",
    "mlir::affine::AffineDialect", "mlir::memref::MemRefDialect",
    "mlir::bufferization::BufferizationDialect"
  ];
}

def LowerVectorsCPU : Pass<"netrewrite-lower-vectors-cpu", "mlir::ModuleOp"> {
  let summary = "Hoist and lower vector ops after bufferization";
  let description = [{
    Runs after bufferization on the vectorised code `netrewrite-schedule-cpu`
    produced: hoists loop-invariant transfers of accumulators out of the
    reduction loops (also through subviews, where upstream hoisting gives
    up), forwards a whole-tile store to the read of the same tile right
    after it (an accumulator starts from its init, an epilogue from the
    accumulator) and drops stores the next whole-tile store overwrites,
    lowers `vector.contract` to outer products (FMAs on
    broadcast operands), and lowers transfers, transposes, broadcasts and
    multi-reductions to 1-D vector operations LLVM maps to SIMD registers.
    Last, element-wise ops on n-D register tiles run per row, loops carry
    a tile's rows (a row that is not a power of two long in 16-lane pieces)
    and 48-, 96-, 144-lane vectors become 16-lane ones, which LLVM would
    otherwise reassemble lane by lane. Static `memref.copy` ops become
    `linalg.copy` (loops LLVM vectorises) instead of calls to the generic
    `memrefCopy` runtime function.
  }];
  let dependentDialects = [
    "mlir::transform::TransformDialect", "mlir::vector::VectorDialect",
    "mlir::scf::SCFDialect", "mlir::memref::MemRefDialect",
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect"
  ];
}

def PackFilterTiles : Pass<"netrewrite-pack-filter-tiles", "mlir::ModuleOp"> {
  let summary = "Store the filter blocks of channel-tiled convolutions contiguously";
  let description = [{
    Runs after `netrewrite-schedule-cpu`. A slice
    `tensor.extract_slice %cst[0, 0, 0, f0] [kh, kw, c, b]` of a 4-D f32
    constant (an HWCF filter read one block of `b` output channels per tile)
    with `f0` provably a multiple of `b` becomes a rank-reducing slice
    `[f0 / b, 0, 0, 0, 0] [1, kh, kw, c, b]` of a new constant packed as
    `[F / b][kh][kw][c][b]` at compile time, so each tile's block is one
    contiguous range instead of `kh * kw * c` pieces at a stride of `F`
    floats. The same holds in two dimensions for a matmul's `k x n` weight
    read one panel `[0, n0] [k, b]` per tile, packed as `[n / b][k][b]`.
    Dense elements and `dense_resource` blobs (which stay blobs) are
    packed; anything else is left alone.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::tensor::TensorDialect"];
}

def PackFilterValues : Pass<"netrewrite-pack-filter-values", "mlir::func::FuncOp"> {
  let summary = "Compute transposed filters directly in the blocked layout their tiles read";
  let description = [{
    Runs between the two halves of `netrewrite-schedule-cpu` (after the
    convolutions and contractions, before the element-wise ops and
    transposes). The run-time counterpart of `netrewrite-pack-filter-tiles`
    for filters that are not constants, such as the weights of a training
    step (function parameters, transposed to HWCF on every call, and their
    flipped copies for the input gradients). A `linalg.transpose` whose every
    reader is a block slice `[0, 0, 0, f0] [kh, kw, c, b]` (with `f0` a
    provable multiple of `b`; `[0, n0] [k, b]` for a rank-2 weight) becomes
    a transpose straight into `[F / b][kh][kw][c][b]` (its input expanded
    along the output-channel axis) and each slice a rank-reducing slice of
    that: the same one copy per call, but each tile's block is contiguous.
    Any other transpose is left alone.
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def TransposeBeforePad : Pass<"netrewrite-transpose-before-pad", "mlir::func::FuncOp"> {
  let summary = "Transpose a padded tensor's source and pad the result";
  let description = [{
    `linalg.transpose(tensor.pad(x, lo, hi, v), perm)` becomes
    `tensor.pad(linalg.transpose(x, perm), lo[perm], hi[perm], v)` for a
    static pad by a value defined outside its body. Runs before the schedules:
    `netrewrite-pad-in-place` then has the transpose write the interior of the
    padded buffer directly, so the padded, transposed input of a convolution's
    weight gradient costs one copy instead of two.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def DepthwiseToHWC : Pass<"netrewrite-depthwise-to-hwc", "mlir::func::FuncOp"> {
  let summary = "Drop the unit channel multiplier of depthwise convolutions";
  let description = [{
    Rewrites `linalg.depthwise_conv_2d_nhwc_hwcm` with a channel multiplier
    of 1 into `linalg.depthwise_conv_2d_nhwc_hwc` between a
    `tensor.collapse_shape` of the filter and init and a `tensor.expand_shape`
    of the result; `linalg-fold-unit-extent-dims` and canonicalization then
    remove the unit dimension from the surrounding ops.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def FoldUnitDimsKeepBatch : Pass<"netrewrite-fold-unit-dims-keep-batch", "mlir::func::FuncOp"> {
  let summary = "linalg-fold-unit-extent-dims without dropping the batch dimension";
  let description = [{
    Drops unit dimensions of `linalg.generic` ops and `tensor.pad` like
    upstream `linalg-fold-unit-extent-dims`, except dimension 0 of ops with
    four or more dimensions (the batch of NHWC values): at batch 1 the
    convolutions' bias broadcasts and element-wise consumers then keep the
    convolution's iteration space and are fused into its loops by
    `netrewrite-schedule-cpu`.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect",
                           "mlir::linalg::LinalgDialect"];
}

def PadInPlace : Pass<"netrewrite-pad-in-place", "mlir::func::FuncOp"> {
  let summary = "Let the producer of a padded value write into the padded buffer";
  let description = [{
    A `tensor.pad` (the zero border of a convolution's input, the -inf
    border of a max-pool's) bufferizes to a new buffer, a fill and a copy of
    the whole activation: two extra passes over memory per padded layer.
    When the padded value is computed into a `tensor.empty` (through
    destination-passing ops and the `scf.forall`/`scf.for` loops the CPU
    schedule makes), this pass creates the padded tensor before that
    computation, fills only its border, and replaces the pad by a
    `tensor.insert_slice` of the value into it; `eliminate-empty-tensors`
    then makes the producer write straight into the interior, so the pad
    costs no copy. Pads of function arguments and of values with other
    roots are left alone.
  }];
  let dependentDialects = [
    "mlir::tensor::TensorDialect", "mlir::linalg::LinalgDialect"
  ];
}

def OMPSchedule : Pass<"netrewrite-omp-schedule", "mlir::ModuleOp"> {
  let summary = "Give OpenMP worksharing loops a static schedule; run small ops' loops on the calling thread";
  let description = [{
    Sets `schedule(static)` on every `omp.wsloop` without a schedule: one
    contiguous share per thread and one call into libomp per thread, where a
    dynamic schedule calls libomp for every iteration (a row of one layer:
    microseconds at batch 1). Parallel regions whose location carries
    `netrewrite.serial_loop` (ops too small to share, marked by
    netrewrite-schedule-cpu and netrewrite-schedule-buffers-cpu) get
    `if(false)` and run on the calling thread; the marker is removed.
  }];
  let dependentDialects = ["mlir::omp::OpenMPDialect", "mlir::arith::ArithDialect"];
}

def CollapseContractions : Pass<"netrewrite-collapse-contractions", "mlir::func::FuncOp"> {
  let summary = "Bring dense layers to one (m, n, k) matmul form";
  let description = [{
    Rewrites every contraction on tensors into the form the CPU schedule and
    weight packing are written for: a `linalg.batch_matmul` with a unit
    batch is generalised, unit loop dimensions are dropped, reduction
    dimensions that are consecutive and contiguous in every operand are
    collapsed into one (a dense layer over a flattened NCHW activation
    reduces over channels, rows and columns), and the result is specialised
    to `linalg.matmul` where it is one. Batch-1 dense layers remain generic
    matrix-vector products.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"
  ];
}

def FoldWeightTransposes : Pass<"netrewrite-fold-weight-transposes", "mlir::ModuleOp"> {
  let summary = "Transpose constant weights at compile time";
  let description = [{
    `tosa-to-linalg-named{prefer-conv2d-kernel-layout-hwcf}` emits a
    `linalg.transpose` of the OHWI filter to HWCF (the layout the 1-D
    convolution vectoriser wants). When the filter is a constant (dense
    elements or a `dense_resource` blob), this pass computes the transposed
    constant once, so the executable never transposes weights at run time.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def WinogradConv : Pass<"netrewrite-winograd-conv", "mlir::func::FuncOp"> {
  let summary = "Compute 3x3 stride-1 convolutions with constant filters by Winograd F(2x2, 3x3)";
  let description = [{
    Rewrites a `linalg.conv_2d_nhwc_hwcf` with a constant 3x3 filter, unit
    strides and dilations and at least `min-channels` input and output
    channels (outside the per-image trunk also products of at least
    `min-product-macs` multiply-adds) into Winograd's minimal filtering
    algorithm F(2x2, 3x3) (Lavin & Gray, 2016): each 2x2 output tile comes
    from a 4x4 input tile, and the 36 multiply-adds per output pixel and
    channel pair become 16 per 4 pixels (2.25x fewer).

    - The filter transform G g G^T runs here, at compile time, into 16
      constants (one 1x1 HWCF filter per position of the 4x4 tile).
    - The input transform B^T d B is one element-wise `linalg.generic` over
      the 16 stride-2 views of the padded input (16 inputs, 16 outputs;
      additions and subtractions only).
    - The products are 16 1x1 convolutions, which the scheduler runs as
      register-tiled matrix products like any pointwise layer.
    - The output transform A^T m A is one element-wise `linalg.generic`
      that writes the 2x2 tiles through four stride-2 views of the output,
      adding them to the bias (when the init is a bias broadcast, which is
      then never materialised) or to the init.
    - An odd output height or width is computed one larger, from an input
      padded by a zero row or column, and cropped.

    The transforms use only the coefficients 0, +-1 and +-1/2 (the halves
    only in the filter transform, computed in double precision), so the
    results differ from the direct convolution by rounding only.
  }];
  let options = [
    // 128: netrewrite::codegen::kWinogradMinChannels.
    Option<"minChannels", "min-channels", "int64_t", /*default=*/"128",
           "Leave convolutions with fewer input or output channels direct "
           "(their 1x1 products are too small to pay for the transforms)">,
    Option<"minProductMACs", "min-product-macs", "int64_t",
           /*default=*/"16777216",
           "Outside the per-image trunk (netrewrite.serial functions), "
           "leave convolutions direct whose 1x1 products (tiles x input "
           "channels x output channels) have fewer multiply-adds each: "
           "18 small parallel regions per layer cost more than they save">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def ApproximateErf : Pass<"netrewrite-approximate-erf"> {
  let summary = "Replace math.erf by MLIR's polynomial approximation";
  let description = [{
    LLVM has no intrinsic for erf, so `convert-to-llvm` leaves `math.erf`
    (from `tosa.erf`: ONNX Erf, the exact GELU) unlowered, and a libm call
    would tie the JIT and the executables to the C library's erff. This pass
    applies MLIR's `ErfPolynomialApproximation` (rational approximations on
    three intervals, clamped to +-1 beyond them; f32 and vectors of f32)
    wherever it runs, so it works on scalar loop bodies and on vectorised
    code alike.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::vector::VectorDialect"
  ];
}

def ScheduleBuffersCPU : Pass<"netrewrite-schedule-buffers-cpu", "mlir::func::FuncOp"> {
  let summary = "Tile, parallelise and vectorise the copies and fills bufferization leaves";
  let description = [{
    After bufferization, every all-parallel linalg op on buffers directly in
    the function body (`linalg.copy` from padding, concatenation and strided
    insertion, `linalg.map`/`linalg.fill` fills, transposes, broadcasts)
    gets an `scf.forall` over its leading dimensions (on the calling thread
    when it moves fewer than 2^22 elements), row tiles of at most 8 and
    vectors of at most 64 along its innermost non-unit dimension. Ops the
    vectoriser rejects stay tiled scalar loops.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
    "mlir::arith::ArithDialect", "mlir::affine::AffineDialect",
    "mlir::memref::MemRefDialect"
  ];
}

def FuseElementwise : Pass<"netrewrite-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse element-wise linalg ops, but not into a reduction that would recompute them";
  let description = [{
    `linalg-fuse-elementwise-ops` (same patterns, same single-use rule), except
    that an element-wise producer stays out of an op with reduction loops that
    reads it through a map leaving some loops out: there its body would run
    once per iteration of those loops, and the op would stop being a
    contraction. Example: at batch 1 the average pool's division in front of
    a dense layer (a matrix-vector product) stays a separate op instead of
    one division per weight.
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def MinMaxNoSignedZeros : Pass<"netrewrite-minmax-nsz"> {
  let summary = "Let arith.maximumf / minimumf between two values treat -0 and +0 as equal";
  let description = [{
    Adds the `nsz` fast-math flag to every `arith.maximumf` and
    `arith.minimumf` whose operands are both non-constant (max pooling's
    windows, max reductions, MAXIMUM / MINIMUM of two tensors). NaNs still
    propagate; only the order of -0 and +0, which IEEE 754's maximum defines
    and x86 has no instruction for, is given up: LLVM then lowers an
    AVX-512 maximum to vmaxps, a NaN compare and a blend instead of six
    instructions. -0 and +0 are equal values: only the sign of an exact
    zero result can change. Clamps against constants
    (ReLU, ReLU6) are left alone: LLVM knows the constant's sign, so they
    are cheap already, and the flag there changed the register allocation
    of a depthwise layer for the worse.
  }];
}

def PrefetchEpilogueLoads : Pass<"netrewrite-prefetch-epilogue-loads", "mlir::func::FuncOp"> {
  let summary = "Prefetch the memory a register tile's epilogue reads before its accumulation loop";
  let description = [{
    After `netrewrite-lower-vectors-cpu`: for every `scf.for` that carries
    vectors (a register tile's accumulation), each `vector.load` that
    follows it in its block (a fused consumer's operand, such as a residual
    connection's activation) and whose address is known before the loop
    gets one `memref.prefetch` per cache line it reads, placed before the
    loop. The activation a residual add reads was written layers earlier
    and is no longer in cache; the accumulation hides the latency.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def OutlineSerialLoops : Pass<"netrewrite-outline-serial-loops", "mlir::ModuleOp"> {
  let summary = "Outline the loop nests of ops too small to share between threads";
  let description = [{
    Every `scf.forall` whose location carries the serial-loop marker that
    `netrewrite-schedule-cpu` / `netrewrite-schedule-buffers-cpu` put on ops
    below the parallel threshold becomes a call of a private function
    `<function>..loop.<N>` holding the same loop nest as `scf.for` loops
    (constants cloned in, everything else it uses passed as arguments).
    `netrewrite-compile --train` compiles such functions with the optimising
    code generator, like the outlined OpenMP bodies.
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::scf::SCFDialect"];
}

def SplitBatch : Pass<"netrewrite-split-batch", "mlir::ModuleOp"> {
  let summary = "Run a CNN's per-image trunk one image at a time, in parallel over the images";
  let description = [{
    On TOSA: the ops of `function` that treat every image on its own and are
    fed from its image batch (its last argument) through such ops only --
    convolutions, poolings, element-wise ops with batch-free other operands,
    reshapes, transposes, slices, pads and concatenations that keep
    dimension 0 the batch, reductions over other axes -- move into a private
    function `@<function>..image` at batch 1 (constants cloned in, other
    batch-free values passed as arguments, marked `netrewrite.serial`).
    `function` calls it from an `scf.forall` over the images and inserts its
    results into the batched values the rest (a dense head) uses. Each
    thread then takes whole images through the trunk with activations in
    its caches and no barrier per layer. The trunk ends at the first
    convolution whose filter is larger than its output per image (a batched
    layer reuses such a filter across the images). Nothing changes when the
    batch is below `min-batch` or the trunk has no convolution or pooling.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"forward\"",
           "The function to split (its last argument is the image batch)">,
    Option<"minBatch", "min-batch", "int64_t", "8",
           "Split only batches of at least this many images (threads take "
           "whole images: fewer images than threads would leave some idle)">,
    Option<"filterRatio", "filter-ratio", "double", "1.0",
           "The trunk ends at the first convolution whose filter has more "
           "than this many times the elements of its output per image">,
    Option<"winogradFilterRatio", "winograd-filter-ratio", "double", "1.6",
           "The same, for convolutions netrewrite-winograd-conv will rewrite "
           "(0: use filter-ratio); batched, their 16 transformed tiles "
           "outgrow the caches">,
  ];
  let dependentDialects = [
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::func::FuncDialect"
  ];
}

def ScheduleCUDA : Pass<"netrewrite-schedule-cuda", "mlir::func::FuncOp"> {
  let summary = "Block-, shared-memory- and register-tiled GPU kernels for convolutions and matmuls";
  let description = [{
    Runs on bufferized code, before the CUDA pipeline turns the remaining
    linalg ops into naive parallel loops. For each `linalg.conv_2d_nhwc_fhwc`,
    `linalg.matmul` and `linalg.batch_matmul` with static shapes it generates
    a transform-dialect script (printable with `print-schedules`) that

    - tiles the output into block tiles (`scf.forall` mapped to
      `#gpu.block<linear_dim_*>`),
    - walks the reduction in chunks (`scf.for`), copying each chunk's input
      and filter (or A and B) tiles into workgroup (shared) memory
      (`transform.structured.promote`), the copies spread over the block's
      threads,
    - gives each thread a small output tile (`#gpu.thread<linear_dim_*>`)
      whose accumulators live in registers across the chunk (scalar
      `scf.for` iteration arguments, one per output element),
    - and maps the loops to one `gpu.launch` (`transform.gpu.map_forall_to_blocks`,
      `map_nested_forall_to_threads`, which puts a `gpu.barrier` after each
      copy and after the compute of each chunk).

    Tile sizes divide the static sizes, so every tile is full. With
    `map-to-gpu=false` the loops stay `scf.forall` and the buffers ordinary
    memory: the same tiling then runs on the CPU, which is how the tests
    check its arithmetic on machines without a GPU.
  }];
  let options = [
    Option<"printSchedules", "print-schedules", "bool", "false",
           "Print the transform script generated for each op to stderr">,
    Option<"mapToGPU", "map-to-gpu", "bool", "true",
           "Map the tiled loops to a gpu.launch and place the staged tiles "
           "in workgroup memory (false: keep scf.forall loops and ordinary "
           "buffers, runnable on the CPU)">,
  ];
  let dependentDialects = [
    "mlir::transform::TransformDialect", "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect", "mlir::gpu::GPUDialect",
    "mlir::arith::ArithDialect", "mlir::affine::AffineDialect",
    "mlir::memref::MemRefDialect"
  ];
}

def ReductionsInner : Pass<"netrewrite-reductions-inner", "mlir::func::FuncOp"> {
  let summary = "Put every linalg op's reduction loops inside its parallel ones";
  let description = [{
    A linalg op whose reduction dimension comes before a parallel one (a
    sum over the batch, `tosa.reduce_sum` over axis 0, the batch-norm
    statistics of a training step) becomes, through
    convert-linalg-to-parallel-loops, a sequential loop around a parallel
    one: in the CUDA pipeline a host loop launching one kernel per
    iteration, each waited for. Interchanged (named ops generalized first),
    the parallel loops come first and the op is one kernel whose threads
    each run the reduction.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def SplitReductions : Pass<"netrewrite-split-reductions", "mlir::func::FuncOp"> {
  let summary = "Reduce in two stages where a reduction has few outputs and many inputs";
  let description = [{
    On the GPU each output element of a naive reduction is one thread that
    loops over everything it reduces: a training step's batch-norm
    statistics (one output per channel, N*H*W inputs each) would run on a
    few dozen threads. For a linalg.generic on buffers (parallel loops first,
    see netrewrite-reductions-inner) whose payload combines into its output
    with `arith.addf`, `arith.mulf`, `arith.maximumf`/`maxnumf` or
    `arith.minimumf`/`minnumf`, with at least `min-reduction` elements per
    output, the outermost reduction loop is split into `S` slices: stage one
    reduces each slice into a temporary [S, outputs] buffer started from the
    combiner's neutral value (S x outputs threads, about
    `target-parallelism`), stage two combines the slices into the output.
  }];
  let options = [
    Option<"minReduction", "min-reduction", "int64_t", "4096",
           "Split only reductions of at least this many elements per output">,
    Option<"targetParallelism", "target-parallelism", "int64_t", "65536",
           "Aim for this many parallel iterations in stage one">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

#endif // NETREWRITE_CODEGEN_PASSES_TD
