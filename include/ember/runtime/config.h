// Compile-time configuration of the runtime: what a product's build carries.
//
// Each option is a macro that a build may define (e.g. -DEMBER_RUNTIME_LINEAR=0)
// to remove code it does not need. A model that needs something the build
// left out is refused by load_model with Status::unsupported_feature; it is
// never mispredicted. Defaults carry everything.
//
//   EMBER_RUNTIME_LINEAR    1: linear and logistic models (LINR sections)
//   EMBER_RUNTIME_TREES     1: tree ensembles (TREE sections)
//   EMBER_RUNTIME_PIPELINE  1: pipeline steps (PIPE sections); 0 runs only
//                           models without steps (trees by default)
//   EMBER_RUNTIME_STEPS     which pipeline step kinds, a mask of 1 << StepKind
//                           (model_format.h): 2 impute, 4 one_hot, 8 ordinal,
//                           16 affine, 32 discretize, 64 select, 128 project;
//                           254 = all
//   EMBER_RUNTIME_METADATA  1: the META section is verified and readable
//                           (metadata.h); 0: it is skipped unread, and
//                           Model::metadata stays null
//   EMBER_RUNTIME_WORDS     which node-word widths trees may use, a mask:
//                           2 (16-bit words), 4 (32-bit), 8 (64-bit); 14 = all
//   EMBER_RUNTIME_FAST      1: the host paths - templates specialised per
//                           word width, NaN and categorical splits, rows and
//                           trees walked in lockstep by blocks of 8, the
//                           byte-wise CRC table. 0: one generic tree walk and
//                           a 16-entry CRC table, for flash-constrained
//                           devices, where the lockstep paths do not pay.
//                           Both give bit-identical results. Defaults to 0 on
//                           Cortex-M (ARM M-profile) and 1 elsewhere.
//   EMBER_RUNTIME_INTEGER   1: integer (quantized) models (QINP with QTRE or
//                           QLIN; predict_q.h). 0: they are refused. QTRE
//                           also needs EMBER_RUNTIME_TREES, QLIN
//                           EMBER_RUNTIME_LINEAR.
//   EMBER_RUNTIME_FLOAT     1: float models (PIPE, LINR, TREE) and the float
//                           entry points. 0: float models are refused, and
//                           no float operation is compiled into the loader
//                           or the predictors, so an integer-only image on a
//                           core without an FPU links no soft-float routine;
//                           predict(), predict_batch(), transform() and
//                           quantize_row() then return unsupported_feature,
//                           and self_test() runs only QGLD golden vectors.
//   EMBER_RUNTIME_MAX_TREE_DEPTH  the deepest tree load_model accepts (at most
//                           format::kMaxTreeDepth, 128); its verifier keeps
//                           4 bytes of stack per level. Defaults to 32 on
//                           Cortex-M (128 bytes, so that load_model stays
//                           within 512 bytes of stack), 128 elsewhere; deeper
//                           trees are refused with unsupported_feature.
#ifndef EMBER_RUNTIME_CONFIG_H
#define EMBER_RUNTIME_CONFIG_H

#ifndef EMBER_RUNTIME_LINEAR
#define EMBER_RUNTIME_LINEAR 1
#endif

#ifndef EMBER_RUNTIME_TREES
#define EMBER_RUNTIME_TREES 1
#endif

#ifndef EMBER_RUNTIME_PIPELINE
#define EMBER_RUNTIME_PIPELINE 1
#endif

#ifndef EMBER_RUNTIME_STEPS
#define EMBER_RUNTIME_STEPS 254
#endif

#ifndef EMBER_RUNTIME_METADATA
#define EMBER_RUNTIME_METADATA 1
#endif

#ifndef EMBER_RUNTIME_WORDS
#define EMBER_RUNTIME_WORDS 14
#endif

#ifndef EMBER_RUNTIME_FAST
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define EMBER_RUNTIME_FAST 0
#else
#define EMBER_RUNTIME_FAST 1
#endif
#endif

#ifndef EMBER_RUNTIME_INTEGER
#define EMBER_RUNTIME_INTEGER 1
#endif

#ifndef EMBER_RUNTIME_FLOAT
#define EMBER_RUNTIME_FLOAT 1
#endif

#ifndef EMBER_RUNTIME_MAX_TREE_DEPTH
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define EMBER_RUNTIME_MAX_TREE_DEPTH 32  // 128 bytes of verifier stack
#else
#define EMBER_RUNTIME_MAX_TREE_DEPTH 128
#endif
#endif

#if EMBER_RUNTIME_MAX_TREE_DEPTH < 1 || EMBER_RUNTIME_MAX_TREE_DEPTH > 128
#error "EMBER_RUNTIME_MAX_TREE_DEPTH must be in [1, 128]"
#endif
#if !EMBER_RUNTIME_LINEAR && !EMBER_RUNTIME_TREES
#error "the runtime needs at least one model kind"
#endif
#if !EMBER_RUNTIME_FLOAT && !EMBER_RUNTIME_INTEGER
#error "the runtime needs float or integer models (EMBER_RUNTIME_FLOAT, EMBER_RUNTIME_INTEGER)"
#endif
#if EMBER_RUNTIME_TREES && (EMBER_RUNTIME_WORDS & 14) == 0
#error "EMBER_RUNTIME_WORDS must allow at least one node-word width (2, 4 or 8)"
#endif

#endif  // EMBER_RUNTIME_CONFIG_H
