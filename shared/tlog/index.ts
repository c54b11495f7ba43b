export { fromBase64, fromHex, toBase64, toHex } from './base64.js';
export { TlogError } from './errors.js';
export { type ChainedEvent, chainPreimage, eventHash } from './event-hash.js';
export {
  leafHash,
  merkleRoot,
  nodeHash,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export {
  type Checkpoint,
  formatCheckpoint,
  formatVkey,
  keyIdOf,
  openNote,
  openNoteText,
  parseCheckpoint,
  parseVkey,
  signatureLine,
  splitNote,
  type Vkey,
} from './note.js';
