export { freePort, freePorts } from './ports';
export { makeTempDir } from './temp';
export { waitFor } from './wait';
export { makeTestPki, type TestPki } from './pki';
export { spawnProcess, type SpawnedProcess, type SpawnOptions } from './process';
export { FakeTentacle, type FakeTentacleOptions } from './fake-tentacle';
