export { freePort, freePorts } from './ports';
export { makeTempDir } from './temp';
export { waitFor } from './wait';
export { thrownBy } from './errors';
export { makeTestPki, type TestPki } from './pki';
export { spawnProcess, type SpawnedProcess, type SpawnOptions } from './process';
export { FakeTentacle, type FakeTentacleOptions } from './fake-tentacle';
export type { FakeFile, FakeFilesOptions, ReceivedPush } from './fake-files';
