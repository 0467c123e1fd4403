/** Name rules of the ZEC pages, shared by the actions that take names. */

/** 2-63 letters, digits, `-`, `/`, `_`, `.`; first and last a letter or digit (create-image.yaml). */
export const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9\-/_.]{0,61}[A-Za-z0-9]$/;
export const IMAGE_NAME_HINT = 'must be 2-63 letters, digits, -, /, _ or ., starting and ending with a letter or digit';

/** 2-63 letters, digits, `-` and `.`, starting with a letter or digit (create-zec-instances.yaml). */
export const INSTANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{1,62}$/;
