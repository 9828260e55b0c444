import { existsSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, Injectable, Logger, Module, Next, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ServeStaticModule, type ServeStaticModuleOptions } from '@nestjs/serve-static';
import type { GatewayEnv } from '../config/gateway.env';

/** The part of Express's response this module uses (the workspace has no @types/express). */
interface TextResponse {
  status(code: number): TextResponse;
  type(contentType: string): TextResponse;
  send(body: string): unknown;
}

/** Routes of the gateway itself, never answered with the demo page. */
const NOT_DEMO = ['/health/{*path}', '/metrics', '/socket.io/{*path}', '/v1/{*path}'];

/** `DEMO_DIR` as an absolute path. */
function demoDir(config: ConfigService<GatewayEnv, true>): string {
  return path.resolve(config.get('DEMO_DIR', { infer: true }));
}

/** `express.static` on the folder: `index.html` at `/`, the bundle beside it. */
export function demoStaticOptions(dir: string): ServeStaticModuleOptions[] {
  return [
    {
      rootPath: dir,
      renderPath: '/',
      exclude: NOT_DEMO,
      serveStaticOptions: { index: 'index.html', fallthrough: true, maxAge: 0 },
    },
  ];
}

/** Whether the demo page is built; checked per request, so a build made after start-up is served. */
@Injectable()
export class DemoFolder {
  readonly index: string;

  constructor(config: ConfigService<GatewayEnv, true>) {
    this.index = path.join(demoDir(config), 'index.html');
    const logger = new Logger(DemoFolder.name);
    if (this.built) logger.log(`Demo page at / from ${path.dirname(this.index)}`);
    else logger.warn(`Demo page not built (${this.index} is missing): run npx nx run demo:build`);
  }

  get built(): boolean {
    return existsSync(this.index);
  }
}

/**
 * `GET /` while the demo is not built: a 404 that says how to build it. Nest registers controller routes
 * before ServeStaticModule's middleware, so once the page exists the request is passed on to it.
 */
@Controller()
export class DemoController {
  constructor(private readonly folder: DemoFolder) {}

  @Get()
  index(@Res() res: TextResponse, @Next() next: () => void): void {
    if (this.folder.built) return next();
    res
      .status(404)
      .type('text/plain; charset=utf-8')
      .send(
        `The LiteSession demo page is not built (${this.folder.index} is missing).\n` +
          'Build it with `npx nx run demo:build` (npm start does), or set DEMO_DIR to a built copy.\n',
      );
  }
}

/** Serves the demo chat page (apps/demo, built into DEMO_DIR) at `/`; the gateway starts without it too. */
@Module({
  imports: [
    ServeStaticModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) => demoStaticOptions(demoDir(config)),
    }),
  ],
  providers: [DemoFolder],
  controllers: [DemoController],
})
export class DemoModule {}
