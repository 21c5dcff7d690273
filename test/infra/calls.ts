import { join, relative } from 'node:path';
import ts from 'typescript';

// What a handler's code can call, read from the code itself (the TypeScript checker), so a test can
// hold the declared operations of functions/routes.ts against it:
// - calls of a `TandemStore` or `ReleaseBucket` port method anywhere in the modules the handler
//   reaches, each mapped to the AWS actions its adapter method sends (`this.table.put` → the
//   `PutCommand` of the DynamoDB item table → `dynamodb:PutItem`; a query with `index` → the GSI);
// - SDK commands built outside the adapters (`new GetSecretValueCommand(…)` →
//   `secretsmanager:GetSecretValue`).

const PORTS = 'shared/ports.ts';
const ITEM_STORE = 'shared/adapters/item-store.ts';
const DYNAMODB_STORE = 'shared/adapters/dynamodb/store.ts';
const S3_BUCKET = 'shared/adapters/s3/bucket.ts';

/** IAM service prefixes of the SDK clients Tandem imports. */
const SERVICE_OF_CLIENT: Readonly<Record<string, string>> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-cognito-identity-provider': 'cognito-idp',
};

/** Document-client commands are named after the item operation they send. */
const DOCUMENT_COMMANDS: Readonly<Record<string, string>> = {
  PutCommand: 'PutItem',
  GetCommand: 'GetItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
};

/** S3 commands whose IAM action differs from their name. */
const S3_ACTIONS: Readonly<Record<string, string>> = {
  ListObjectsCommand: 'ListBucket',
  ListObjectsV2Command: 'ListBucket',
  DeleteObjectsCommand: 'DeleteObject',
};

/** An AWS action a handler calls, and for table queries whether they go to the site index. */
export interface CalledAction {
  readonly action: string;
  readonly index?: true;
}

const key = (a: CalledAction): string => `${a.action}${a.index ? '@index' : ''}`;

function commandAction(command: string, module: string): CalledAction | undefined {
  const service = SERVICE_OF_CLIENT[module];
  if (!service) return undefined;
  if (module === '@aws-sdk/lib-dynamodb') {
    const action = DOCUMENT_COMMANDS[command];
    return action ? { action: `dynamodb:${action}` } : undefined;
  }
  const name = S3_ACTIONS[command] ?? command.replace(/Command$/, '');
  return { action: `${service}:${name}` };
}

/** The module an identifier was imported from, if any. */
function importedFrom(node: ts.Identifier, checker: ts.TypeChecker): string | undefined {
  const symbol = checker.getSymbolAtLocation(node);
  const declaration = symbol?.declarations?.[0];
  if (!declaration || !ts.isImportSpecifier(declaration)) return undefined;
  const specifier = declaration.parent.parent.parent.moduleSpecifier;
  return ts.isStringLiteral(specifier) ? specifier.text : undefined;
}

/** `new XCommand(…)` expressions in a node, as actions. */
function commandsIn(node: ts.Node, checker: ts.TypeChecker): CalledAction[] {
  const found: CalledAction[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text.endsWith('Command')) {
      const module = importedFrom(n.expression, checker);
      const action = module && commandAction(n.expression.text, module);
      if (action) found.push(action);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** Methods of a class by name. */
function methodsOf(file: ts.SourceFile, className: string): Map<string, ts.MethodDeclaration> {
  const methods = new Map<string, ts.MethodDeclaration>();
  file.forEachChild((node) => {
    if (ts.isClassDeclaration(node) && node.name?.text === className) {
      for (const member of node.members)
        if (ts.isMethodDeclaration(member) && ts.isIdentifier(member.name))
          methods.set(member.name.text, member);
    }
  });
  return methods;
}

/** Calls `this.<via>.<name>(…)` (or `this.<name>(…)` when via is undefined) in a node, with the call. */
function thisCalls(node: ts.Node, via: string | undefined): { name: string; call: ts.CallExpression }[] {
  const calls: { name: string; call: ts.CallExpression }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const target = n.expression.expression;
      const onThis = target.kind === ts.SyntaxKind.ThisKeyword;
      const onField =
        ts.isPropertyAccessExpression(target) &&
        target.expression.kind === ts.SyntaxKind.ThisKeyword &&
        target.name.text === via;
      if ((via === undefined && onThis) || (via !== undefined && onField))
        calls.push({ name: n.expression.name.text, call: n });
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return calls;
}

/** Whether a call's first argument is an object literal with an `index` property (a GSI query). */
function queriesIndex(call: ts.CallExpression): boolean {
  const [argument] = call.arguments;
  return (
    argument !== undefined &&
    ts.isObjectLiteralExpression(argument) &&
    argument.properties.some(
      (p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'index',
    )
  );
}

/**
 * The actions of every port method: store methods through the item store and its DynamoDB table,
 * bucket methods through the S3 adapter. A bucket read that tells a missing key from a denied one
 * (it catches `NoSuchKey`) also needs ListBucket: S3 answers 404 only to a caller that may list.
 */
function portActions(program: ts.Program, root: string): Map<string, CalledAction[]> {
  const checker = program.getTypeChecker();
  const source = (path: string): ts.SourceFile => {
    const file = program.getSourceFile(join(root, path));
    if (!file) throw new Error(`${path} is not in the program`);
    return file;
  };
  const tableMethods = new Map<string, CalledAction[]>();
  for (const [name, method] of methodsOf(source(DYNAMODB_STORE), 'DynamoDbItemTable'))
    tableMethods.set(name, commandsIn(method, checker));

  const actions = new Map<string, CalledAction[]>();
  const storeMethods = methodsOf(source(ITEM_STORE), 'ItemTandemStore');
  const storeActions = (name: string, seen: Set<string>): CalledAction[] => {
    const method = storeMethods.get(name);
    if (!method || seen.has(name)) return [];
    seen.add(name);
    const direct = thisCalls(method, 'table').flatMap(({ name: op, call }) =>
      (tableMethods.get(op) ?? []).map((a) =>
        a.action === 'dynamodb:Query' && queriesIndex(call) ? { ...a, index: true as const } : a,
      ),
    );
    const helpers = thisCalls(method, undefined).flatMap(({ name: helper }) => storeActions(helper, seen));
    return [...direct, ...helpers];
  };
  for (const name of storeMethods.keys()) actions.set(`TandemStore.${name}`, storeActions(name, new Set()));

  for (const [name, method] of methodsOf(source(S3_BUCKET), 'S3ReleaseBucket')) {
    const called = commandsIn(method, checker);
    if (method.getText().includes('NoSuchKey')) called.push({ action: 's3:ListBucket' });
    actions.set(`ReleaseBucket.${name}`, called);
  }
  return actions;
}

/**
 * `TandemStore.putResponse` when a call resolves to a method of a port interface, or of an interface
 * a port satisfies (analysis/publish.ts writes releases to a `ReleaseSink`, which the bucket is).
 */
function portMethodOf(
  call: ts.CallExpression,
  checker: ts.TypeChecker,
  ports: PortTypes,
): string | undefined {
  if (!ts.isPropertyAccessExpression(call.expression)) return undefined;
  const symbol = checker.getSymbolAtLocation(call.expression.name);
  const declaration = symbol?.declarations?.[0];
  if (!declaration || !ts.isMethodSignature(declaration)) return undefined;
  const owner = declaration.parent;
  if (!ts.isInterfaceDeclaration(owner)) return undefined;
  const ownerType = checker.getTypeAtLocation(owner);
  for (const [name, type] of ports)
    if (type === ownerType || checker.isTypeAssignableTo(type, ownerType))
      return `${name}.${call.expression.name.text}`;
  return undefined;
}

type PortTypes = Map<string, ts.Type>;

/** The port interfaces of shared/ports.ts as types. */
function portTypes(program: ts.Program, root: string): PortTypes {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(join(root, PORTS));
  if (!file) throw new Error(`${PORTS} is not in the program`);
  const types: PortTypes = new Map();
  file.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && ['TandemStore', 'ReleaseBucket'].includes(node.name.text))
      types.set(node.name.text, checker.getTypeAtLocation(node));
  });
  return types;
}

/**
 * Declarations a handler's `handler` export reaches through the references in their bodies
 * (functions, variables, classes and methods of the repository's own modules; the adapters are left
 * out, as what reaches them goes through a port): an over-approximation of what it can call.
 */
function reachedDeclarations(file: ts.SourceFile, checker: ts.TypeChecker, root: string): ts.Node[] {
  const exported = checker.getSymbolAtLocation(file)?.exports?.get(ts.escapeLeadingUnderscores('handler'));
  const start = exported?.declarations ?? [];
  if (start.length === 0) throw new Error(`${relative(root, file.fileName)} exports no handler`);
  const seen = new Set<ts.Node>();
  const work: ts.Node[] = [...start];
  const own = (node: ts.Node): boolean => {
    const path = relative(root, node.getSourceFile().fileName);
    return !path.startsWith('..') && !path.includes('node_modules') && !path.startsWith('shared/adapters/');
  };
  while (work.length > 0) {
    const node = work.pop() as ts.Node;
    if (seen.has(node)) continue;
    seen.add(node);
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n)) {
        // `{ attemptSecret }` names the variable too, not only the property it makes.
        let symbol =
          ts.isShorthandPropertyAssignment(n.parent) && n.parent.name === n
            ? checker.getShorthandAssignmentValueSymbol(n.parent)
            : checker.getSymbolAtLocation(n);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        for (const declaration of symbol?.declarations ?? [])
          if (!seen.has(declaration) && own(declaration) && !ts.isMethodSignature(declaration))
            work.push(declaration);
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
  }
  return [...seen];
}

/**
 * For each handler module, the AWS data-plane actions its code can call (sorted, `@index` marking
 * table queries of the site index).
 */
export function calledActions(root: string, handlers: readonly string[]): Map<string, string[]> {
  const unique = [...new Set(handlers)];
  const program = ts.createProgram({
    rootNames: unique.map((handler) => join(root, handler)),
    options: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      types: ['node'],
    },
  });
  const checker = program.getTypeChecker();
  const ports = portActions(program, root);
  const interfaces = portTypes(program, root);
  const result = new Map<string, string[]>();
  for (const handler of unique) {
    const file = program.getSourceFile(join(root, handler));
    if (!file) throw new Error(`${handler} is not in the program`);
    const called = new Map<string, CalledAction>();
    for (const declaration of reachedDeclarations(file, checker, root)) {
      for (const action of commandsIn(declaration, checker)) called.set(key(action), action);
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n)) {
          const port = portMethodOf(n, checker, interfaces);
          for (const action of (port ? ports.get(port) : undefined) ?? []) called.set(key(action), action);
        }
        ts.forEachChild(n, visit);
      };
      visit(declaration);
    }
    result.set(handler, [...called.keys()].sort());
  }
  return result;
}
