// Jest setupFilesAfterEnv of the e2e suites: whatever a test file started and did not stop (a failed
// beforeAll, a test that threw midway) is stopped by its pid when the file ends.
import { stopAllAppProcesses } from './app-process';

afterAll(() => stopAllAppProcesses());
