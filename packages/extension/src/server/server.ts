// The run-file language server: its own Node process that owns the workspace SDK's container
// (with the workspace's plugins), so TensorFlow and plugins never load in the extension host.
import {
  CompletionItemKind,
  createConnection,
  type Diagnostic,
  DiagnosticSeverity,
  MarkupKind,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerInitOptions } from '../client/language-client';
import { analyze, complete, hover, optionProblems } from './analysis';
import { loadSdk, type OptionsChecker, type PluginCatalog, type SdkApi } from './catalog';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let loaded: Promise<{ sdk: SdkApi; catalog: PluginCatalog; checkOptions: OptionsChecker } | undefined> =
  Promise.resolve(undefined);

connection.onInitialize((params) => {
  const init = params.initializationOptions as ServerInitOptions;
  loaded = loadSdk(init.sdkMain, init.workspaceFolder).catch((err: Error) => {
    connection.window.showErrorMessage(`tfscale language server: could not load @tfscale/sdk: ${err.message}`);
    return undefined;
  });
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['"'] },
      hoverProvider: true,
    },
  };
});

async function validate(doc: TextDocument): Promise<void> {
  const sdk = await loaded;
  if (!sdk) return;
  const text = doc.getText();
  const problems = analyze(text, sdk.catalog, sdk.sdk);
  // Options are judged by the plugins themselves (unknown names are skipped: reported above).
  problems.push(...(await optionProblems(text, sdk.checkOptions)));
  if (doc.version !== documents.get(doc.uri)?.version) return; // edited meanwhile: a newer check follows
  const diagnostics: Diagnostic[] = problems.map((p) => ({
    range: { start: doc.positionAt(p.start), end: doc.positionAt(p.end) },
    message: p.message,
    severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'tfscale',
    ...(p.suggestion ? { data: { suggestion: p.suggestion } } : {}),
  }));
  connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

documents.onDidChangeContent((e) => void validate(e.document));
documents.onDidClose((e) => connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));

connection.onCompletion(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  const sdk = await loaded;
  if (!doc || !sdk) return [];
  return complete(doc.getText(), doc.offsetAt(params.position), sdk.catalog).map((c, i) => ({
    label: c.label,
    kind: CompletionItemKind.Value,
    detail: c.detail,
    sortText: String(i).padStart(3, '0'),
    ...(c.documentation ? { documentation: { kind: MarkupKind.Markdown, value: c.documentation } } : {}),
    textEdit: { range: { start: doc.positionAt(c.start), end: doc.positionAt(c.end) }, newText: c.insert },
  }));
});

connection.onHover(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  const sdk = await loaded;
  if (!doc || !sdk) return null;
  const h = hover(doc.getText(), doc.offsetAt(params.position), sdk.catalog, sdk.sdk);
  if (!h) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: h.markdown },
    range: { start: doc.positionAt(h.start), end: doc.positionAt(h.end) },
  };
});

documents.listen(connection);
connection.listen();
