/** Kept for importers of the old path; the operation lives in core/move/ (see its index.ts). */
export * from './move/index.js';
