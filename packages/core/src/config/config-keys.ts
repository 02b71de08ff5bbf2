/**
 * What a config file may say, read off its one definition (`shape/`): the keys of each
 * mapping and the values of each enumeration, for messages, `imgsync init` and tests.
 */
import type { DigestForm } from '../policy/digest-form.js';
import type { TagSort } from '../policy/tag-policy.js';
import type { UpdateLevel } from '../policy/update-level.js';
import { configShape } from './shape/config-shape.js';
import { DISCOVER_KEYS, DISCOVER_MODES } from './shape/discover.js';
import { AUTODISCOVER_KEYS, FLEET_REPOSITORY_KEYS } from './shape/fleet.js';
import { git, GIT_AUTHOR_KEYS, GIT_MODES, GIT_TRANSPORTS } from './shape/git.js';
import { REGISTRY_SETTINGS_KEYS } from './shape/registries.js';
import { LATEST_KEYS, TAG_POLICY_KEYS, TAG_SORTS } from './shape/tag-policy.js';
import { DIGEST_FORMS, PRUNE_MODES, TARGET_FORMATS, UPDATE_LEVELS } from './shape/format-facts.js';
import { MARKER_POLICY_KEYS, TARGET_KEYS } from './shape/target.js';
import type { DiscoverMode, PruneMode } from '../formats/types.js';
import type { DeliveryMode } from '../git/deliver-options.js';
import type { GitTransport } from '../git/workspace.js';
import type { TargetFormat } from './types.js';

export {
  DISCOVER_FORMATS,
  formatsPhrase,
  IMAGE_ID_TITLES,
  PINNABLE_FORMATS,
  POLICY_FORMATS,
  TAG_LIST_NAMES,
  TAG_LIST_ONLY,
  TAG_MOVING_FORMATS,
} from './shape/format-facts.js';
export { SECRET_KEYS } from './rules/index.js';

/** Keys of each mapping, by the name the JSON Schema gives it. */
export const CONFIG_KEYS = {
  root: Object.keys(configShape.shape),
  target: TARGET_KEYS,
  discover: DISCOVER_KEYS,
  tagPolicy: TAG_POLICY_KEYS,
  latest: LATEST_KEYS,
  markerPolicy: MARKER_POLICY_KEYS,
  registrySettings: REGISTRY_SETTINGS_KEYS,
  git: Object.keys(git.shape),
  gitAuthor: GIT_AUTHOR_KEYS,
  fleetRepository: FLEET_REPOSITORY_KEYS,
  autodiscover: AUTODISCOVER_KEYS,
} satisfies Record<string, readonly string[]>;

// Each list must hold exactly the members of the union the engine uses.
type Exactly<List extends readonly string[], Union extends string> = [List[number]] extends [Union] ? ([Union] extends [List[number]] ? List : never) : never;

/** Values of each enumeration. */
export const CONFIG_ENUMS = {
  format: TARGET_FORMATS,
  prune: PRUNE_MODES,
  mode: GIT_MODES,
  transport: GIT_TRANSPORTS,
  discover: DISCOVER_MODES,
  digest: DIGEST_FORMS,
  sort: TAG_SORTS,
  update: UPDATE_LEVELS,
} as const;

// compile-time: a list with a member too many or too few does not type-check here
const _enumsMatchTheirUnions: [
  Exactly<typeof TARGET_FORMATS, TargetFormat>,
  Exactly<typeof PRUNE_MODES, PruneMode>,
  Exactly<typeof GIT_MODES, DeliveryMode>,
  Exactly<typeof GIT_TRANSPORTS, GitTransport>,
  Exactly<typeof DISCOVER_MODES, DiscoverMode>,
  Exactly<typeof DIGEST_FORMS, DigestForm>,
  Exactly<typeof TAG_SORTS, TagSort>,
  Exactly<typeof UPDATE_LEVELS, UpdateLevel>,
] = [TARGET_FORMATS, PRUNE_MODES, GIT_MODES, GIT_TRANSPORTS, DISCOVER_MODES, DIGEST_FORMS, TAG_SORTS, UPDATE_LEVELS];
