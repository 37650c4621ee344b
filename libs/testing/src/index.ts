export { freePort, freePortRange, freePorts } from './ports';
export { makeTempDir } from './temp';
export { waitFor } from './wait';
export { thrownBy } from './errors';
export { makeTestPki, type TestPki } from './pki';
export { spawnProcess, type SpawnedProcess, type SpawnOptions } from './process';
export { FakeTentacle, type FakeTentacleOptions } from './fake-tentacle';
export type { FakeFile, FakeFilesOptions, ReceivedPush } from './fake-files';
export {
  FAKE_WORKSPACE,
  FakeNodeApps,
  type FakeAppRun,
  type FakeChangeEnd,
  type FakeNodeApp,
  type FakeNodeAppListReply,
  type FakeNodeAppsOptions,
} from './fake-nodeapps';
export {
  startGitHttpServer,
  type GitHttpServer,
  type GitHttpServerOptions,
  type GitRepo,
} from './git-http-server';
