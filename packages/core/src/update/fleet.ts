/**
 * A fleet run: the update of many git repositories in one run (`repositories:` and
 * `autodiscover:` in the config), each cloned, edited and delivered on its own, with the
 * registries asked once for all of them.
 *
 * - **One lookup per distinct image**: the repositories share one set of registry sources
 *   and states, so an image that a hundred repositories use is listed and resolved once
 *   (a repository asked about while another run asks is awaited, not asked again), and the
 *   digest cache is shared.
 * - **Isolation**: a repository that fails (clone, parse, registry, push) is reported with
 *   its error and the others go on; at most `concurrency` repositories are in work at once.
 * - **Shards**: with `shard: { index, count }` only that shard's repositories run (see
 *   `fleet/shard.ts`), so an Indexed Job, a Step Functions map or an Actions matrix can
 *   split one tick across machines.
 */
import pLimit from 'p-limit';
import picomatch from 'picomatch';
import type { FleetRepository, GitConfig, ImgsyncConfig } from '../config/types.js';
import { DEFAULT_GIT_AUTHOR, DEFAULT_GITHUB_API_URL } from '../config/shape/git.js';
import { Deadline } from '../deadline.js';
import { ConfigError, errorFacts, stripUrlCredentials, type ErrorFacts } from '../errors.js';
import { inShard, repositoryKey, type Shard } from '../fleet/shard.js';
import { createGitHubClient } from '../git/github-client.js';
import type { RegistryStats } from '../registry/types.js';
import type { RegistrySnapshot } from '../registry/snapshot.js';
import { RegistryStates } from './registry-state.js';
import type { UpdateOptions, UpdateResult } from './types.js';
import { runUpdate } from './update.js';

/**
 * What {@link runFleet} takes: the engine's options (see `UpdateOptions`) for every repository of the config's fleet, and which shard of it to run.
 */
export interface FleetOptions extends Omit<UpdateOptions, 'push' | 'cwd'> {
  /** Run only this shard's repositories. */
  shard?: Shard;
  /** Repositories in work at once; default 4. */
  concurrency?: number;
}

/** How one repository of the fleet ended. */
export interface FleetRepositoryResult {
  url: string;
  /** `failed`: its clone, files, registry queries or push failed; see `error`. */
  outcome: 'changed' | 'unchanged' | 'failed' | 'partial';
  result?: UpdateResult;
  error?: ErrorFacts;
}

/**
 * What {@link runFleet} returns: one result per repository it ran, the totals, and the registry traffic of the whole run.
 */
export interface FleetResult {
  dryRun: boolean;
  repositories: FleetRepositoryResult[];
  /** Repositories of the fleet that this run (shard) did not take. */
  skipped: number;
  totals: { repositories: number; changed: number; unchanged: number; failed: number; partial: number; changes: number; newRepositories: number };
  warnings: string[];
  /** True when some repository's files are behind the registries (what `check` exits 1 on). */
  drift: boolean;
  /** Request counters of the registries the whole fleet shared, by registry. */
  stats: { registries: Record<string, RegistryStats> };
  /** With `recordSnapshot`: what the live registries answered for all the repositories, one snapshot per registry. */
  recordedSnapshots?: RegistrySnapshot[];
}

/**
 * Runs the update of every repository of `options.config.fleet`.
 *
 * @example
 * const config = await loadConfig({ path: 'fleet.imgsync.config.yaml' });
 * const fleet = await runFleet({ config, secrets: { gitToken }, shard: { index: 0, count: 4 } });
 * for (const r of fleet.repositories) console.log(r.url, r.outcome);
 */
export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const { config } = options;
  if (!config.fleet) throw new ConfigError('runFleet needs a config with repositories or autodiscover', { path: config.path });
  const deadline = new Deadline({
    ...(options.deadline !== undefined && { at: options.deadline }),
    ...(options.signal && { signal: options.signal }),
  });
  const warnings: string[] = [];
  const all = [...config.fleet.repositories];
  if (config.fleet.autodiscover) {
    const found = await autodiscover(config, options, deadline);
    const listed = new Set(all.map((r) => repositoryKey(r.url)));
    for (const repository of found) if (!listed.has(repositoryKey(repository.url))) all.push(repository);
    if (!found.length) warnings.push(`autodiscover: no repository of ${config.fleet.autodiscover.organization} matches`);
  }
  const mine = options.shard ? inShard(all, options.shard, (r) => repositoryKey(r.url)) : all;
  const states = new RegistryStates(options, deadline);
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  const repositories = await Promise.all(
    mine.map((repository) =>
      limit(async (): Promise<FleetRepositoryResult> => {
        const url = stripUrlCredentials(repository.url);
        try {
          const result = await runUpdate({ ...options, config: repositoryConfig(config, repository), push: true, registryStates: states });
          const outcome = result.partial ? 'partial' : result.errors.length ? 'failed' : result.changed ? 'changed' : 'unchanged';
          return {
            url,
            outcome,
            result,
            ...(outcome === 'failed' && { error: { ...withoutFile(result.errors[0]!), message: result.errors.map((e) => e.message).join('; ') } }),
          };
        } catch (error) {
          if (!(error instanceof Error)) throw error;
          return { url, outcome: 'failed', error: errorFacts(error) };
        }
      }),
    ),
  );
  await states.flush();
  const count = (outcome: FleetRepositoryResult['outcome']) => repositories.filter((r) => r.outcome === outcome).length;
  const changes = repositories.flatMap((r) => r.result?.changes ?? []);
  return {
    dryRun: options.dryRun ?? false,
    repositories,
    skipped: all.length - mine.length,
    totals: {
      repositories: repositories.length,
      changed: count('changed'),
      unchanged: count('unchanged'),
      failed: count('failed'),
      partial: count('partial'),
      changes: changes.filter((c) => c.kind !== 'reported').length,
      newRepositories: changes.filter((c) => c.code === 'new-repository').length,
    },
    warnings: [...warnings, ...states.finalWarnings()],
    drift: repositories.some((r) => r.result?.drift),
    stats: { registries: states.stats() },
    ...(options.recordSnapshot && { recordedSnapshots: states.recordedSnapshots() }),
  };
}

function withoutFile({ file: _file, ...facts }: ErrorFacts & { file: string }): ErrorFacts {
  return facts;
}

/** The single-repository config of one fleet member: its url, branch, mode and targets, the shared git settings. */
function repositoryConfig(config: ImgsyncConfig, repository: FleetRepository): ImgsyncConfig {
  const shared: GitConfig = config.git ?? {
    url: undefined,
    branch: undefined,
    mode: 'push',
    author: { ...DEFAULT_GIT_AUTHOR },
    token: undefined,
    githubApiUrl: undefined,
    transport: 'auto',
    message: undefined,
    where: repository.where,
  };
  const { fleet: _fleet, ...single } = config;
  return {
    ...single,
    filesRelativeTo: 'repository-root',
    targets: repository.targets,
    git: { ...shared, url: repository.url, branch: repository.branch ?? shared.branch, mode: repository.mode ?? shared.mode, where: repository.where },
  };
}

/** The organisation's repositories through the GitHub API: not forks, not archived unless asked, by topic and name. */
async function autodiscover(config: ImgsyncConfig, options: FleetOptions, deadline: Deadline): Promise<FleetRepository[]> {
  const auto = config.fleet!.autodiscover!;
  const token = options.secrets?.gitToken;
  if (!token) throw new ConfigError('autodiscover needs a GitHub token (IMGSYNC_GIT_TOKEN, GITHUB_TOKEN or git.token) to list repositories', auto.where);
  const github = await createGitHubClient({
    token,
    baseUrl: config.git?.githubApiUrl ?? DEFAULT_GITHUB_API_URL,
    deadline,
    ...(options.fetch && { fetch: options.fetch as typeof fetch }),
  });
  const named = auto.name ? picomatch(auto.name, { nocase: true }) : () => true;
  const repositories: { clone_url?: string; name: string; fork?: boolean; archived?: boolean; topics?: string[]; default_branch?: string }[] = [];
  // at most 10 pages of 100: a fleet of more than 1,000 repositories wants shards of configs
  for (let page = 1; page <= 10; page++) {
    const { data } = await github.rest.repos.listForOrg({ org: auto.organization, per_page: 100, page, type: 'all' });
    repositories.push(...data);
    if (data.length < 100) break;
  }
  return repositories
    .filter((r) => !r.fork && (auto.includeArchived || !r.archived) && named(r.name) && (!auto.topic || (r.topics ?? []).includes(auto.topic)) && r.clone_url)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => ({ url: r.clone_url!, branch: undefined, mode: undefined, targets: config.targets, where: auto.where }));
}
