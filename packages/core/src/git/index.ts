/**
 * Git delivery: commit and push without a git executable or ssh (isomorphic-git over
 * HTTPS with a token, or the GitHub REST API's git data endpoints with no clone), or push
 * a branch and open a pull request on GitHub. The operations load their libraries on
 * first use (see `lazy.ts`); which way a repository is reached is `workspace.ts`.
 */
export { deliver, openTarget, cloneShallow, openCheckout, commitFiles } from './lazy.js';
export type { DeliverOptions, DeliverResult, DeliveryMode, DeliveryTarget, OpenTargetOptions, PullRequestSettings } from './deliver-options.js';
export type { Checkout } from './checkout.js';
export { chooseTransport } from './workspace.js';
export type { GitTransport, Workspace } from './workspace.js';
export type { CloneOptions } from './clone.js';
export type { OpenCheckoutOptions } from './open-checkout.js';
export type { CommitFilesOptions, CommitFilesResult } from './commit.js';
export { buildCommitMessage, buildSubject, buildBody, describeChange } from './commit-message.js';
export type { CommitMessageOptions } from './commit-message.js';
export { upsertPullRequest } from './pull-request.js';
export type { PullRequestResult, UpsertPullRequestOptions } from './pull-request.js';
export { createGitHubClient, parseGitHubUrl, type GitHubClient } from './github-client.js';
export type { GitHubClientOptions, GitHubRepo } from './github-client.js';
export { tokenAuth, secretsOf } from './auth.js';
export type { ChangeSummary, EditFunction, EditResult, FileContent, GitAuthor, GitCredentials, GitIo, ReadFile } from './types.js';
