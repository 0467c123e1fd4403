/**
 * Which error codes of the catalogue (src/core/errors.ts) an action's handler can raise,
 * found statically with the TypeScript checker: from the handler's body, every call and
 * `new` is followed to the function, method or constructor it resolves to inside src/
 * (and a method of a port interface to every class in src/ that implements it), and
 * along the way every code is collected that
 *
 *  - `new KilnError(code, ...)` is given, as a literal or a union of literals, or
 *  - is passed as a literal where a parameter takes an ErrorCode (`renamedParam(e,
 *    'NameTaken', ...)`, a helper that builds the error from a code it is given).
 *
 * It over-approximates: every function a handler can reach counts, whichever branch it
 * takes, so a code found here may in practice need a product or state the action never
 * meets; and a code a handler catches still counts. It misses calls the checker cannot
 * resolve (a function value chosen at run time), which src/ avoids for handlers.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { ErrorCodes, type ErrorCode } from '../../src/core/errors.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const srcDir = join(repoRoot, 'src');

const codeSet = new Set<string>(ErrorCodes);

function isErrorCode(s: string): s is ErrorCode {
  return codeSet.has(s);
}

/**
 * The program holds the registries and what they import (core included), not the
 * metadata store: its classes are parsed on their own (storeClasses), which spares the
 * checker Kysely's typings and keeps this reading to a few seconds.
 */
function rootFiles(): string[] {
  return [join(srcDir, 'dialects/ucloud/actions/index.ts'), join(srcDir, 'dialects/zenlayer/actions/index.ts')];
}

/** The metadata store's classes, by the name of each interface they implement; parsed, not type-checked. */
function storeClasses(): Map<string, ts.ClassDeclaration[]> {
  const dir = join(srcDir, 'store/metadata');
  const out = new Map<string, ts.ClassDeclaration[]>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const path = join(dir, f);
    const sf = ts.createSourceFile(path, ts.sys.readFile(path) ?? '', ts.ScriptTarget.ES2022, true);
    for (const stmt of sf.statements) {
      if (!ts.isClassDeclaration(stmt)) continue;
      for (const clause of stmt.heritageClauses ?? []) {
        if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
        for (const t of clause.types) if (ts.isIdentifier(t.expression)) out.set(t.expression.text, [...(out.get(t.expression.text) ?? []), stmt]);
      }
    }
  }
  return out;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  return { ...ts.parseJsonConfigFileContent(read.config, ts.sys, repoRoot).options, noEmit: true };
}

type Body = ts.Node;

export class RaisedCodes {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly kilnError: ts.Symbol;
  /** Codes reachable from each function body, filled as bodies are walked. */
  private readonly memo = new Map<Body, Set<ErrorCode>>();
  /** The metadata store's classes by the interfaces they implement. */
  private readonly storeImplementers = storeClasses();
  /** Interfaces of the program by the name of each interface they extend. */
  private readonly derivedOf = new Map<string, ts.InterfaceDeclaration[]>();

  constructor() {
    this.program = ts.createProgram(rootFiles(), compilerOptions());
    this.checker = this.program.getTypeChecker();
    const errorsFile = this.program.getSourceFile(join(srcDir, 'core/errors.ts'));
    const symbol = errorsFile && this.checker.getSymbolAtLocation(errorsFile);
    const kilnError = symbol && this.checker.getExportsOfModule(symbol).find((s) => s.name === 'KilnError');
    if (!kilnError) throw new Error('src/core/errors.ts exports no KilnError');
    this.kilnError = kilnError;
    for (const sf of this.program.getSourceFiles()) {
      if (!sf.fileName.startsWith(srcDir)) continue;
      for (const stmt of sf.statements) {
        if (!ts.isInterfaceDeclaration(stmt)) continue;
        for (const clause of stmt.heritageClauses ?? []) {
          for (const t of clause.types)
            if (ts.isIdentifier(t.expression)) this.derivedOf.set(t.expression.text, [...(this.derivedOf.get(t.expression.text) ?? []), stmt]);
        }
      }
    }
  }

  /**
   * What the handler of the action declared as `export const <name> = ...` in a dialect's
   * actions folder can raise: `defineAction({ ... handle })` (or defineZecAction), or a
   * factory called with literal arguments that returns one (`instanceOperation('StopUHostInstance',
   * 'uhost', 'stop', ...)`), whose handler is then read with those arguments bound.
   */
  raisedBy(name: string): { file: string; raised: Set<ErrorCode> } {
    const found = this.actionDeclarations().get(name);
    if (!found) throw new Error(`no \`export const ${name} = ...\` in src/dialects/*/actions`);
    const call = found.initializer;
    const direct = defineCallObject(call);
    if (direct) return { file: found.file, raised: this.walkHandler(handleOf(direct, name), new Map()) };
    // A factory: the defineAction call inside it, with its parameters bound to the literals given.
    const factory = this.symbolDeclarations(call.expression).find((d): d is ts.FunctionDeclaration => ts.isFunctionDeclaration(d) && d.body !== undefined);
    if (!factory?.body) throw new Error(`${name}: its initializer is neither defineAction(...) nor a call of a function in src/`);
    const bindings = new Map<ts.Symbol, string>();
    factory.parameters.forEach((param, i) => {
      const arg = call.arguments[i];
      const symbol = ts.isIdentifier(param.name) ? this.checker.getSymbolAtLocation(param.name) : undefined;
      if (symbol && arg && ts.isStringLiteralLike(arg)) bindings.set(symbol, arg.text);
    });
    let inner: ts.ObjectLiteralExpression | undefined;
    const find = (node: ts.Node): void => {
      inner ??= defineCallObject(node);
      if (!inner) ts.forEachChild(node, find);
    };
    find(factory.body);
    if (!inner) throw new Error(`${name}: ${factory.name?.text ?? 'its factory'} calls no defineAction`);
    return { file: found.file, raised: this.walkHandler(handleOf(inner, name), bindings) };
  }

  private declarations: Map<string, { file: string; initializer: ts.CallExpression }> | undefined;

  private actionDeclarations(): Map<string, { file: string; initializer: ts.CallExpression }> {
    if (this.declarations) return this.declarations;
    const out = new Map<string, { file: string; initializer: ts.CallExpression }>();
    for (const sf of this.program.getSourceFiles()) {
      if (!sf.fileName.startsWith(join(srcDir, 'dialects')) || !sf.fileName.includes('/actions/')) continue;
      for (const stmt of sf.statements) {
        if (!ts.isVariableStatement(stmt) || !stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
        for (const d of stmt.declarationList.declarations) {
          if (ts.isIdentifier(d.name) && d.initializer && ts.isCallExpression(d.initializer)) {
            out.set(d.name.text, { file: sf.fileName.slice(repoRoot.length + 1), initializer: d.initializer });
          }
        }
      }
    }
    this.declarations = out;
    return out;
  }

  /**
   * The store classes that implement `iface`, directly or through an interface that
   * extends it (a class implementing MetadataStore implements Repositories too).
   */
  private implementersOf(iface: ts.InterfaceDeclaration): ts.ClassDeclaration[] {
    const names = new Set<string>();
    const collect = (decl: ts.InterfaceDeclaration): void => {
      if (names.has(decl.name.text)) return;
      names.add(decl.name.text);
      for (const derived of this.derivedOf.get(decl.name.text) ?? []) collect(derived);
    };
    collect(iface);
    return [...names].flatMap((n) => this.storeImplementers.get(n) ?? []);
  }

  /** A handler is walked afresh for each action: a factory's handler differs by its bound arguments. */
  private walkHandler(handle: ts.Node, bindings: Map<ts.Symbol, string>): Set<ErrorCode> {
    return this.walk(handle, new Set(), bindings);
  }

  private reachableFrom(body: Body): Set<ErrorCode> {
    const known = this.memo.get(body);
    if (known) return known;
    const codes = new Set<ErrorCode>();
    // Set before walking: a recursive call finds this (partial) set and stops there.
    this.memo.set(body, codes);
    if (body.getSourceFile().fileName.startsWith(join(srcDir, 'store'))) return this.storeCodes(body, codes);
    return this.walk(body, codes, new Map());
  }

  /**
   * The metadata store's methods are read, not followed: they raise their codes directly
   * (unique and quota violations) and call nothing that raises; resolving their query
   * builders' calls would cost the checker most of its time.
   */
  private storeCodes(body: Body, codes: Set<ErrorCode>): Set<ErrorCode> {
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'KilnError') {
        const arg = node.arguments?.[0];
        if (!arg || !ts.isStringLiteralLike(arg) || !isErrorCode(arg.text)) {
          const { line } = node.getSourceFile().getLineAndCharacterOfPosition(node.getStart());
          throw new Error(`${node.getSourceFile().fileName}:${line + 1}: the store raises a KilnError without a literal code, which this reading cannot see`);
        }
        codes.add(arg.text);
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
    return codes;
  }

  private walk(body: Body, codes: Set<ErrorCode>, bindings: Map<ts.Symbol, string>): Set<ErrorCode> {
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && this.isKilnError(node.expression)) {
        for (const c of this.literalCodes(node.arguments?.[0])) codes.add(c);
      }
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        for (const arg of node.arguments ?? []) if (ts.isStringLiteralLike(arg) && isErrorCode(arg.text) && this.takesErrorCode(arg)) codes.add(arg.text);
        for (const target of this.targetsOf(node, bindings)) for (const c of this.reachableFrom(target)) codes.add(c);
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
    return codes;
  }

  private isKilnError(expr: ts.Expression): boolean {
    const s = this.checker.getSymbolAtLocation(expr);
    const resolved = s && s.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(s) : s;
    return resolved === this.kilnError;
  }

  /** The codes a `new KilnError(arg)` can carry: literals only; `ErrorCode` itself re-raises a code counted where it was made. */
  private literalCodes(arg: ts.Expression | undefined): ErrorCode[] {
    if (!arg) return [];
    const t = this.checker.getTypeAtLocation(arg);
    const parts = t.isUnion() ? t.types : [t];
    const found = parts.flatMap((p) => (p.isStringLiteral() && isErrorCode(p.value) ? [p.value] : []));
    return found.length === ErrorCodes.length ? [] : found;
  }

  /** Whether this literal argument goes to a parameter typed ErrorCode (a union of (nearly) every code). */
  private takesErrorCode(arg: ts.Expression): boolean {
    const t = this.checker.getContextualType(arg);
    if (!t?.isUnion()) return false;
    const codes = t.types.filter((p) => p.isStringLiteral() && isErrorCode(p.value)).length;
    return codes * 2 > ErrorCodes.length;
  }

  /** The bodies in src/ a call or `new` can run. */
  private targetsOf(node: ts.CallExpression | ts.NewExpression, bindings: Map<ts.Symbol, string>): Body[] {
    // `services.instances[operation](...)` with `operation` a factory argument: that one method.
    const callee = node.expression;
    if (ts.isElementAccessExpression(callee) && ts.isIdentifier(callee.argumentExpression)) {
      const symbol = this.checker.getSymbolAtLocation(callee.argumentExpression);
      const bound = symbol && bindings.get(symbol);
      if (bound !== undefined) {
        const member = this.checker.getTypeAtLocation(callee.expression).getProperty(bound);
        return (member?.declarations ?? []).flatMap((d) => this.bodiesOf(d));
      }
    }
    const decl = this.checker.getResolvedSignature(node)?.declaration;
    const decls: ts.Node[] = decl && !ts.isJSDocSignature(decl) ? [decl] : this.symbolDeclarations(node.expression);
    return decls.flatMap((d) => this.bodiesOf(d));
  }

  private symbolDeclarations(expr: ts.Expression): ts.Node[] {
    const s = this.checker.getSymbolAtLocation(expr);
    const resolved = s && s.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(s) : s;
    return resolved?.declarations ?? [];
  }

  /** Where KilnErrors come from: the disk engine, the network code and the blob stores raise none. */
  private followed(node: ts.Node): boolean {
    const f = node.getSourceFile().fileName;
    return ['core', 'dialects', 'app'].some((dir) => f.startsWith(join(srcDir, dir) + '/')) && !f.endsWith('.d.ts');
  }

  private bodiesOf(decl: ts.Node): Body[] {
    if (!this.followed(decl)) return [];
    if (ts.isFunctionLike(decl) && 'body' in decl && decl.body) return [decl.body];
    if (ts.isVariableDeclaration(decl) && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer)))
      return [decl.initializer.body];
    // A method of a port: whatever each implementation in src/ does.
    if ((ts.isMethodSignature(decl) || ts.isPropertySignature(decl)) && ts.isInterfaceDeclaration(decl.parent)) {
      const name = decl.name.getText();
      return this.implementersOf(decl.parent).flatMap((cls) =>
        cls.members.flatMap((m) => (m.name?.getText() === name && (ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m)) ? this.memberBodies(m) : [])),
      );
    }
    return [];
  }

  private memberBodies(m: ts.MethodDeclaration | ts.PropertyDeclaration): Body[] {
    if (ts.isMethodDeclaration(m)) return m.body ? [m.body] : [];
    return m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer)) ? [m.initializer.body] : [];
  }
}

/** The object literal of a `defineAction({...})` / `defineZecAction({...})` call, if `node` is one. */
function defineCallObject(node: ts.Node): ts.ObjectLiteralExpression | undefined {
  if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || !/^define\w*Action$/.test(node.expression.text)) return undefined;
  const def = node.arguments[0];
  return def && ts.isObjectLiteralExpression(def) ? def : undefined;
}

function handleOf(def: ts.ObjectLiteralExpression, name: string): ts.Node {
  const handle = def.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'handle');
  if (!handle) throw new Error(`${name}: its definition has no handle`);
  return handle;
}
