import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { DemoModule } from './demo.module';

@Controller('metrics')
class FakeMetricsController {
  @Get()
  scrape(): string {
    return 'metrics';
  }
}

describe('DemoModule', () => {
  let dir: string;
  let app: INestApplication | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'demo-module-'));
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<string> {
    // NestFactory, not Test.createTestingModule: ServeStaticModule picks its Express loader from the HTTP
    // adapter, which a testing module does not have yet when it compiles (it would serve nothing).
    @Module({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => ({ DEMO_DIR: dir }) }),
        DemoModule,
      ],
      controllers: [FakeMetricsController],
    })
    class TestAppModule {}
    app = await NestFactory.create(TestAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    return app.getUrl();
  }

  const get = async (url: string) => {
    const response = await fetch(url);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.text(),
    };
  };

  it('serves the built page at / and its files beside it, and leaves the gateway routes alone', async () => {
    writeFileSync(path.join(dir, 'index.html'), '<title>demo</title>');
    writeFileSync(path.join(dir, 'app.js'), 'export {};');
    const url = await start();

    expect(await get(`${url}/`)).toMatchObject({ status: 200, body: '<title>demo</title>' });
    expect(await get(`${url}/app.js`)).toMatchObject({
      status: 200,
      type: expect.stringContaining('javascript'),
    });
    expect(await get(`${url}/metrics`)).toMatchObject({ status: 200, body: 'metrics' });
    expect((await get(`${url}/nope`)).status).toBe(404);
  });

  it('answers / with a 404 that says how to build the page while it is missing, and serves it once built', async () => {
    const url = await start();

    const missing = await get(`${url}/`);
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('npx nx run demo:build');
    expect(await get(`${url}/metrics`)).toMatchObject({ status: 200, body: 'metrics' });

    writeFileSync(path.join(dir, 'index.html'), '<title>late</title>');
    expect(await get(`${url}/`)).toMatchObject({ status: 200, body: '<title>late</title>' });
  });
});
