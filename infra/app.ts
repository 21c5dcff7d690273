// The CDK app (`npm run synth`, `cdk deploy`): settings come from context; see docs/deploy.md.
import { App } from 'aws-cdk-lib';
import { buildApp } from './stacks/tandem-app.ts';

const app = new App();
buildApp(app);
app.synth();
