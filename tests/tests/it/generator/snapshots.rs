//! Snapshots of the generated API, read from the generated source (not from the compiled crate),
//! so that a change of the spec or of the generator shows up in review as a readable diff of
//! what users see: one snapshot per model and one per operation, all in `tests/snapshots/`.
//!
//! - A model's snapshot (`<Model>.snap`) is its struct or enum as generated, with the
//!   signatures of its inherent methods (the `new` constructor, `as_str`) and the list of traits
//!   it implements. The bodies of the mechanical impls are left out.
//! - An operation's snapshot (`<operation_id>.snap`) is its public face in
//!   `methods/<area>.rs` (the `Operation` constant, the query struct, the method signatures) and
//!   a summary of the request progenitor's method in `progenitor/<area>.rs` builds and the
//!   responses it decodes.
//!
//! Update with `INSTA_UPDATE=always cargo test -p cloudflare-tokens-tests --test it snapshots` (or
//! `cargo insta test --review`), then check with `CI=true`. The completeness and orphan tests
//! keep the directory in step with the spec, since CI has no cargo-insta to find stale files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use quote::ToTokens;
use serde_json::Value;
use syn::visit::Visit;

use cloudflare_tokens_tests::repo::{root as repo_root, spec};

/// Where the generated modules are, relative to the repository root.
const CODEGEN: &str = "generated/src";
/// Where the snapshots are, relative to the repository root: one `<name>.snap` per model and per
/// operation, and nothing else.
const SNAPSHOT_DIR: &str = "tests/snapshots";

// ---------------------------------------------------------------------------------------------
// What the spec says there should be.

/// The models the crate should have: every schema except the envelope and its parts, which the
/// hand-written layer defines (asked of the generator itself, so the rule cannot drift).
fn spec_models(spec: &Value) -> BTreeSet<String> {
    let replaced: BTreeSet<String> = xtask::generate::not_generated(spec);
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("the spec has components/schemas")
        .keys()
        .filter(|name| !replaced.contains(*name))
        .cloned()
        .collect()
}

fn spec_operations(spec: &Value) -> BTreeSet<String> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .expect("the spec has paths");
    paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("operationId").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading the generated source.

struct SourceFile {
    /// Relative to the repository root, with `/` separators.
    path: String,
    file: syn::File,
}

/// Every `.rs` file of `generated/src/<dir>`, parsed, in name order.
fn parse_dir(dir: &str) -> Vec<SourceFile> {
    let root = repo_root();
    let full = root.join(CODEGEN).join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&full)
        .unwrap_or_else(|e| panic!("listing {}: {e}", full.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let file = syn::parse_file(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
            let relative = path.strip_prefix(&root).expect("under the root");
            let path = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            SourceFile { path, file }
        })
        .collect()
}

/// The name of the type an impl block is for (`impl … for X` or `impl X`).
fn self_type_name(item: &syn::ItemImpl) -> Option<String> {
    match &*item.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering.

fn render(items: Vec<syn::Item>) -> String {
    prettyplease::unparse(&syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items,
    })
}

/// A type as prettyplease prints it, on one line.
fn type_text(ty: &syn::Type) -> String {
    let text = render(vec![syn::parse_quote!(type T = #ty;)]);
    let text = text.trim();
    let text = text
        .strip_prefix("type T = ")
        .and_then(|t| t.strip_suffix(';'))
        .unwrap_or(text);
    // A long type wraps onto several lines, one generic argument per line, with a trailing
    // comma: join it back.
    text.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .replace("< ", "<")
        .replace(", >", ">")
        .replace(",>", ">")
        .replace(" >", ">")
}

/// Token text without the spaces `quote` puts between every token, keeping one where two
/// words would otherwise run together. For short expressions only.
fn compact(tokens: impl ToTokens) -> String {
    let spaced = tokens.to_token_stream().to_string();
    let chars: Vec<char> = spaced.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'';
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = out.chars().last();
            let after = chars[i + 1..].iter().find(|c| **c != ' ').copied();
            if before.is_some_and(word) && after.is_some_and(word) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// An impl block with every method reduced to its signature (and doc comment): prettyplease
/// prints an empty body as `{}`, which becomes `;`.
fn signatures_only(mut block: syn::ItemImpl) -> String {
    for item in &mut block.items {
        if let syn::ImplItem::Fn(f) = item {
            f.block.stmts.clear();
        }
    }
    render(vec![syn::Item::Impl(block)])
        .lines()
        .map(|line| match line.strip_suffix(" {}") {
            Some(signature) if !line.trim_start().starts_with("impl") => format!("{signature};"),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

// ---------------------------------------------------------------------------------------------
// Models.

struct Snapshot {
    /// The file it was read from, relative to the repository root.
    source: String,
    /// What it is and where it comes from, for the snapshot's description.
    description: String,
    text: String,
}

/// Every model of `types/`: the top-level public structs and enums. A `ModelRequired` struct
/// (the required fields of `Model`'s constructor, by name) is part of `Model`'s snapshot.
fn models() -> BTreeMap<String, Snapshot> {
    let files = parse_dir("types");
    let structs: BTreeMap<String, &syn::ItemStruct> = files
        .iter()
        .flat_map(|f| &f.file.items)
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();
    let is_required_of_model = |name: &str| {
        name.strip_suffix("Required")
            .is_some_and(|model| structs.contains_key(model))
    };
    let mut found = BTreeMap::new();
    for source in &files {
        for item in &source.file.items {
            if let syn::Item::Struct(s) = item
                && is_required_of_model(&s.ident.to_string())
            {
                continue;
            }
            let (name, kind) = match item {
                syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                    (s.ident.to_string(), "struct")
                }
                syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                    (e.ident.to_string(), "enum")
                }
                _ => continue,
            };
            let mut inherent = Vec::new();
            let mut traits = Vec::new();
            // Impls may sit in another file than the type (shared models): look everywhere.
            for other in files.iter().flat_map(|f| &f.file.items) {
                let syn::Item::Impl(block) = other else {
                    continue;
                };
                if self_type_name(block).as_deref() != Some(name.as_str()) {
                    continue;
                }
                match &block.trait_ {
                    None => inherent.push(signatures_only(block.clone())),
                    Some((path, _)) => {
                        let last = path.segments.last().expect("a trait path has a segment");
                        let short: syn::Path = last.clone().into();
                        traits.push(type_text(&syn::Type::Path(syn::TypePath {
                            attrs: Vec::new(),
                            qself: None,
                            path: short,
                        })));
                    }
                }
            }
            let mut text = render(vec![item.clone()]);
            if let Some(required) = structs.get(&format!("{name}Required")) {
                text.push_str(&render(vec![syn::Item::Struct((*required).clone())]));
            }
            for block in inherent {
                text.push_str(&block);
            }
            if !traits.is_empty() {
                text.push_str(&format!("// Trait impls: {}\n", traits.join(", ")));
            }
            let previous = found.insert(
                name.clone(),
                Snapshot {
                    source: source.path.clone(),
                    description: format!("{kind} `{name}` in {}", source.path),
                    text,
                },
            );
            assert!(previous.is_none(), "the model {name} is defined twice");
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Operations.

/// The `Operation` constant of each operation in `methods/`, by operation id.
fn operation_id(item: &syn::ItemConst) -> Option<String> {
    let syn::Expr::Struct(value) = &*item.expr else {
        return None;
    };
    if value.path.segments.last()?.ident != "Operation" {
        return None;
    }
    value
        .fields
        .iter()
        .find_map(|field| match (&field.member, &field.expr) {
            (
                syn::Member::Named(name),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(id),
                    ..
                }),
            ) if name == "id" => Some(id.value()),
            _ => None,
        })
}

/// The methods of every inherent `impl … Client` block of the files, by name.
fn client_methods(
    files: &[SourceFile],
) -> BTreeMap<String, (String, syn::ItemImpl, syn::ImplItemFn)> {
    let mut methods = BTreeMap::new();
    for source in files {
        for item in &source.file.items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            if block.trait_.is_some() || self_type_name(block).as_deref() != Some("Client") {
                continue;
            }
            for member in &block.items {
                if let syn::ImplItem::Fn(f) = member {
                    let mut shell = block.clone();
                    shell.items.clear();
                    shell.attrs.clear();
                    methods.insert(
                        f.sig.ident.to_string(),
                        (source.path.clone(), shell, f.clone()),
                    );
                }
            }
        }
    }
    methods
}

/// The last path segment's name of a type, through references.
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The type arguments of a path type's last segment (`Result<A, B>` → `[A, B]`).
fn type_args(ty: &syn::Type) -> Vec<syn::Type> {
    let syn::Type::Path(p) = ty else {
        return Vec::new();
    };
    let Some(last) = p.path.segments.last() else {
        return Vec::new();
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// The variable an argument of the URL's `format!` is built from (`encode_path(&id.to_string())`
/// → `id`), skipping the functions it is passed through.
fn variable(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Path(p) if p.path.segments.len() == 1 => {
            Some(p.path.segments[0].ident.to_string())
        }
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(name) => Some(name.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        syn::Expr::Call(c) => c.args.iter().find_map(variable),
        syn::Expr::MethodCall(m) => {
            variable(&m.receiver).or_else(|| m.args.iter().find_map(variable))
        }
        syn::Expr::Reference(r) => variable(&r.expr),
        syn::Expr::Paren(p) => variable(&p.expr),
        _ => None,
    }
}

/// The text of a `from_static("…")` call's string, or the expression itself.
fn header_part(expr: &syn::Expr) -> String {
    if let syn::Expr::Call(call) = expr
        && let syn::Expr::Path(func) = &*call.func
        && func
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "from_static")
        && let Some(arg) = call.args.first()
    {
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = arg
        {
            return s.value();
        }
        return compact(arg);
    }
    if let syn::Expr::Path(p) = expr
        && let Some(last) = p.path.segments.last()
    {
        // `::reqwest::header::ACCEPT` → `accept`
        return last.ident.to_string().to_lowercase().replace('_', "-");
    }
    compact(expr)
}

/// The numbers (and ranges) a response arm matches.
fn pattern_text(pat: &syn::Pat) -> String {
    fn bound(expr: Option<&syn::Expr>) -> String {
        match expr {
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i),
                ..
            })) => i.base10_digits().to_string(),
            Some(other) => compact(other),
            None => String::new(),
        }
    }
    match pat {
        syn::Pat::Lit(lit) => bound(Some(&syn::Expr::Lit(lit.clone()))),
        syn::Pat::Range(range) => {
            let limits = match range.limits {
                syn::RangeLimits::Closed(_) => "..=",
                syn::RangeLimits::HalfOpen(_) => "..",
            };
            format!(
                "{}{limits}{}",
                bound(range.start.as_deref()),
                bound(range.end.as_deref())
            )
        }
        syn::Pat::Wild(_) => "_".to_string(),
        syn::Pat::Or(or) => or
            .cases
            .iter()
            .map(pattern_text)
            .collect::<Vec<_>>()
            .join(" | "),
        other => compact(other),
    }
}

/// What progenitor's method sends and decodes, gathered from its body.
#[derive(Default)]
struct Request {
    method: Option<String>,
    url: Option<String>,
    query: Vec<String>,
    body: Vec<String>,
    headers: Vec<String>,
    responses: Vec<(String, String)>,
}

impl<'ast> Visit<'ast> for Request {
    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let syn::Pat::Ident(name) = &local.pat
            && name.ident == "url"
            && let Some(init) = &local.init
            && let syn::Expr::Macro(mac) = &*init.expr
            && mac.mac.path.is_ident("format")
        {
            let args = mac
                .mac
                .parse_body_with(
                    syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                )
                .expect("the URL's format! arguments parse");
            let mut args = args.iter();
            if let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(template),
                ..
            })) = args.next()
            {
                let template = template.value();
                let mut pieces = template.split("{}");
                let mut url = pieces.next().unwrap_or_default().to_string();
                for piece in pieces {
                    let name = args
                        .next()
                        .and_then(variable)
                        .unwrap_or_else(|| "?".to_string());
                    url.push_str(&format!("{{{name}}}{piece}"));
                }
                self.url = Some(url);
            }
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        // The receiver first, so that a builder chain is recorded in source order.
        syn::visit::visit_expr_method_call(self, call);
        let method = call.method.to_string();
        let args: Vec<&syn::Expr> = call.args.iter().collect();
        match (method.as_str(), args.as_slice()) {
            ("get" | "post" | "put" | "patch" | "delete" | "head", [_])
                if compact(&call.receiver) == "self.client" =>
            {
                self.method = Some(method.to_uppercase());
            }
            ("query", [arg]) => {
                let mut names = QueryNames::default();
                names.visit_expr(arg);
                if names.0.is_empty() {
                    self.query.push(compact(arg));
                }
                self.query.extend(names.0);
            }
            ("json" | "form_urlencoded" | "body" | "multipart", [arg]) => {
                self.body.push(format!("{method}({})", compact(arg)));
            }
            ("header" | "append", [name, value]) => {
                self.headers
                    .push(format!("{}: {}", header_part(name), header_part(value)));
            }
            _ => {}
        }
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        if compact(&expr.expr).contains("as_u16") {
            for arm in &expr.arms {
                let body = compact(&arm.body);
                let outcome = if body.contains("ErrorResponse") {
                    "error"
                } else if body.contains("UnexpectedResponse") {
                    "unexpected"
                } else if body.contains("from_response") {
                    "ok"
                } else if body.contains("empty") {
                    "ok, empty"
                } else if body.contains("stream") {
                    "ok, stream"
                } else {
                    "other"
                };
                self.responses
                    .push((pattern_text(&arm.pat), outcome.to_string()));
            }
        }
        syn::visit::visit_expr_match(self, expr);
    }
}

/// The names of the `QueryParam::new("name", …)` calls in an expression.
#[derive(Default)]
struct QueryNames(Vec<String>);

impl<'ast> Visit<'ast> for QueryNames {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(func) = &*call.func
            && func.path.segments.last().is_some_and(|s| s.ident == "new")
            && let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            })) = call.args.first()
        {
            self.0.push(name.value());
        }
        syn::visit::visit_expr_call(self, call);
    }
}

/// The request summary of progenitor's method.
fn request_text(method: &syn::ImplItemFn) -> String {
    let mut request = Request::default();
    request.visit_block(&method.block);
    let mut arguments = Vec::new();
    let mut body_type = None;
    for input in &method.sig.inputs {
        let syn::FnArg::Typed(arg) = input else {
            continue;
        };
        let name = compact(&arg.pat);
        if name == "body" {
            let inner = match &*arg.ty {
                syn::Type::Reference(r) => (*r.elem).clone(),
                other => other.clone(),
            };
            body_type = Some(type_text(&inner));
        }
        arguments.push(format!("{name}: {}", type_text(&arg.ty)));
    }
    let (ok, error) = match &method.sig.output {
        syn::ReturnType::Type(_, ty) => {
            let parts = type_args(ty);
            match parts.as_slice() {
                [ok, error] => (
                    type_args(ok)
                        .first()
                        .map(type_text)
                        .unwrap_or_else(|| type_text(ok)),
                    type_args(error)
                        .first()
                        .map(type_text)
                        .unwrap_or_else(|| type_text(error)),
                ),
                _ => (type_text(ty), type_text(ty)),
            }
        }
        syn::ReturnType::Default => ("()".to_string(), "()".to_string()),
    };
    let none = || "none".to_string();
    let mut text = String::new();
    text.push_str(&format!(
        "method:    {}\n",
        request.method.unwrap_or_else(|| "?".into())
    ));
    text.push_str(&format!(
        "url:       {}\n",
        request.url.unwrap_or_else(|| "?".into())
    ));
    text.push_str(&format!(
        "query:     {}\n",
        if request.query.is_empty() {
            none()
        } else {
            request.query.join(", ")
        }
    ));
    let body = match (request.body.as_slice(), body_type) {
        ([], _) => none(),
        ([sent], Some(ty)) if sent.starts_with("json(") => format!("JSON, {ty}"),
        (sent, ty) => format!("{} ({})", sent.join(", "), ty.unwrap_or_else(none)),
    };
    text.push_str(&format!("body:      {body}\n"));
    // progenitor adds `api-version` to every request; the runtime's `exec` hook takes it out.
    let headers: Vec<String> = request
        .headers
        .iter()
        .map(|h| match h.starts_with("api-version:") {
            true => "api-version (removed before sending)".to_string(),
            false => h.clone(),
        })
        .collect();
    text.push_str(&format!("headers:   {}\n", headers.join("; ")));
    text.push_str("arguments:\n");
    for argument in &arguments {
        text.push_str(&format!("  {argument}\n"));
    }
    if arguments.is_empty() {
        text.push_str("  none\n");
    }
    text.push_str("responses:\n");
    let width = request
        .responses
        .iter()
        .map(|(p, _)| p.len())
        .max()
        .unwrap_or(0);
    for (pattern, outcome) in &request.responses {
        let what = match outcome.as_str() {
            "ok" => format!("ok, decoded as {ok}"),
            "error" => format!("error, decoded as {error}"),
            "unexpected" => "unexpected response, not decoded".to_string(),
            other => other.to_string(),
        };
        text.push_str(&format!("  {pattern:<width$} => {what}\n"));
    }
    text
}

/// Every operation: its public face in `methods/` and its request in `progenitor/`.
fn operations() -> BTreeMap<String, Snapshot> {
    let method_files = parse_dir("methods");
    let progenitor_files = parse_dir("progenitor");
    let public = client_methods(&method_files);
    let raw = client_methods(&progenitor_files);
    let mut found = BTreeMap::new();
    for source in &method_files {
        let structs: BTreeMap<String, &syn::ItemStruct> = source
            .file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) => Some((s.ident.to_string(), s)),
                _ => None,
            })
            .collect();
        for item in &source.file.items {
            let syn::Item::Const(constant) = item else {
                continue;
            };
            let Some(id) = operation_id(constant) else {
                continue;
            };
            let (public_source, shell, method) = public
                .get(&id)
                .unwrap_or_else(|| panic!("{id} has an Operation but no method in methods/"));
            assert_eq!(
                public_source, &source.path,
                "{id}: its method and its Operation are in different files"
            );
            let all = public.get(&format!("{id}_all"));
            // The query struct: a struct of this file that a method of the operation takes.
            let mut query_structs = Vec::new();
            for (_, _, f) in std::iter::once((public_source, shell, method))
                .chain(all.map(|(a, b, c)| (a, b, c)))
            {
                for input in &f.sig.inputs {
                    if let syn::FnArg::Typed(arg) = input
                        && let Some(name) = type_name(&arg.ty)
                        && let Some(s) = structs.get(&name)
                        && !query_structs
                            .iter()
                            .any(|q: &syn::ItemStruct| q.ident == s.ident)
                    {
                        query_structs.push((*s).clone());
                    }
                }
            }
            let mut methods = shell.clone();
            methods.items.push(syn::ImplItem::Fn(method.clone()));
            if let Some((_, _, f)) = all {
                methods.items.push(syn::ImplItem::Fn(f.clone()));
            }
            let (progenitor_source, _, progenitor_method) = raw
                .get(&id)
                .unwrap_or_else(|| panic!("{id} has no progenitor method in progenitor/"));

            let mut text = format!("// {}\n", source.path);
            let mut public_items = vec![syn::Item::Const(constant.clone())];
            public_items.extend(query_structs.into_iter().map(syn::Item::Struct));
            text.push_str(&render(public_items));
            text.push_str(&signatures_only(methods));
            text.push_str(&format!(
                "\n// {progenitor_source}: the request progenitor's method builds\n"
            ));
            text.push_str(&request_text(progenitor_method));
            let previous = found.insert(
                id.clone(),
                Snapshot {
                    source: source.path.clone(),
                    description: format!(
                        "operation `{id}`: public API in {}, request built in {progenitor_source}",
                        source.path
                    ),
                    text,
                },
            );
            assert!(previous.is_none(), "the operation {id} is defined twice");
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Checking.

/// Checks one snapshot; a mismatch is reported (insta prints the diff) and returned, so that a
/// run shows every changed snapshot rather than only the first.
fn check(name: &str, snapshot: &Snapshot) -> Result<(), String> {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(snapshot.description.as_str());
    settings.set_input_file(repo_root().join(&snapshot.source));
    settings.set_omit_expression(true);
    settings.set_snapshot_path(repo_root().join(SNAPSHOT_DIR));
    settings.set_prepend_module_to_snapshot(false);
    let text = &snapshot.text;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, text));
    }))
    .map_err(|_| name.to_string())
}

fn check_all(snapshots: &BTreeMap<String, Snapshot>) {
    let failed: Vec<String> = snapshots
        .iter()
        .filter_map(|(name, snapshot)| check(name, snapshot).err())
        .collect();
    assert!(
        failed.is_empty(),
        "{} snapshot(s) differ: {}\nReview the diffs above; if the change is intended, update with \
         `INSTA_UPDATE=always cargo test -p cloudflare-tokens-tests --test it snapshots`.",
        failed.len(),
        failed.join(", ")
    );
}

#[test]
fn models_match_their_snapshots() {
    check_all(&models());
}

#[test]
fn operations_match_their_snapshots() {
    check_all(&operations());
}

#[test]
fn every_model_and_operation_of_the_spec_has_a_snapshot() {
    let spec = spec();
    let (expected_models, expected_operations) = (spec_models(&spec), spec_operations(&spec));
    let found_models: BTreeSet<String> = models().into_keys().collect();
    let found_operations: BTreeSet<String> = operations().into_keys().collect();
    let difference = |what: &str, expected: &BTreeSet<String>, found: &BTreeSet<String>| {
        let missing: Vec<&String> = expected.difference(found).collect();
        let extra: Vec<&String> = found.difference(expected).collect();
        (!missing.is_empty() || !extra.is_empty()).then(|| {
            format!("{what}: in the spec but not generated: {missing:?}; generated but not in the spec: {extra:?}")
        })
    };
    let problems: Vec<String> = [
        difference("models", &expected_models, &found_models),
        difference("operations", &expected_operations, &found_operations),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Models and operations share the snapshot directory: their names must not collide.
    let shared: Vec<&String> = expected_models.intersection(&expected_operations).collect();
    assert!(
        shared.is_empty(),
        "models and operations share names: {shared:?}"
    );
}

#[test]
fn no_snapshot_is_left_over_from_a_removed_model_or_operation() {
    let spec = spec();
    let expected: BTreeSet<String> = spec_models(&spec)
        .into_iter()
        .chain(spec_operations(&spec))
        .collect();
    let dir = repo_root().join(SNAPSHOT_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!(
            "{} is missing: run the snapshot tests with INSTA_UPDATE=always",
            dir.display()
        );
    };
    let mut orphans: Vec<String> = entries
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|file| {
            // Pending `.snap.new` files are insta's business, not orphans.
            !file.ends_with(".snap.new")
                && file
                    .strip_suffix(".snap")
                    .is_none_or(|name| !expected.contains(name))
        })
        .collect();
    orphans.sort();
    assert!(
        orphans.is_empty(),
        "snapshots for models or operations no longer in spec/openapi.json; delete them from {SNAPSHOT_DIR}: {orphans:?}"
    );
}
