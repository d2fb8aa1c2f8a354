/* dslsft_sparse.h: hand-written sparse primitives (top-K selection, compaction, index validation).
 * Declarations are added by the sparse-primitives work; see native/src/sparse_*.cpp. */
#ifndef DSLSFT_SPARSE_H
#define DSLSFT_SPARSE_H
#endif
