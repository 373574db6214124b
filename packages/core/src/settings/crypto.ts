/** The secret box moved to `base/` (contacts keep secret attributes with it too); kept here for the settings area's imports. */
export { MIN_SECRET_KEY_LENGTH, SECRET_KEY_HINT, SecretBox, scopeLabel } from '../base/secret-box.js';
