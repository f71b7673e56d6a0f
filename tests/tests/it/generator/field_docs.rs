//! Every field of every generated model, and every field of every query struct, has a doc
//! line: the spec's words where it has some, else the facts of its schema as a sentence.

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

/// `(struct, field, doc)` for every named field of every struct in the generated files of `dir`.
fn fields(dir: &str) -> Vec<(String, String, Option<String>)> {
    let dir = cloudflare_tokens_tests::repo::root().join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        collect(&file.items, &mut out);
    }
    out
}

fn collect(items: &[syn::Item], out: &mut Vec<(String, String, Option<String>)>) {
    for item in items {
        match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                let syn::Fields::Named(named) = &s.fields else {
                    continue;
                };
                for field in &named.named {
                    let doc = has_doc(&field.attrs).then(|| doc_text(&field.attrs));
                    out.push((
                        s.ident.to_string(),
                        field.ident.as_ref().unwrap().to_string(),
                        doc,
                    ));
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, out);
                }
            }
            _ => {}
        }
    }
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn undocumented(fields: &[(String, String, Option<String>)]) -> Vec<String> {
    fields
        .iter()
        .filter(|(_, _, doc)| doc.as_deref().is_none_or(str::is_empty))
        .map(|(s, f, _)| format!("{s}.{f}"))
        .collect()
}

fn doc_of<'a>(fields: &'a [(String, String, Option<String>)], s: &str, f: &str) -> &'a str {
    fields
        .iter()
        .find(|(st, fi, _)| st == s && fi == f)
        .and_then(|(_, _, d)| d.as_deref())
        .unwrap_or_else(|| panic!("{s}.{f} is not a documented field"))
}

#[test]
fn every_model_field_has_a_doc_line() {
    let fields = fields("generated/src/types");
    assert_eq!(undocumented(&fields), Vec::<String>::new());
    assert_eq!(
        doc_of(&fields, "AiSearchTokenCreate", "cf_api_key"),
        "A string; sent, never returned; a secret, redacted in `Debug` and `Display`."
    );
    assert_eq!(
        doc_of(&fields, "AiSearchTokenCreateRequired", "cf_api_key"),
        doc_of(&fields, "AiSearchTokenCreate", "cf_api_key"),
    );
    assert_eq!(
        doc_of(&fields, "ServiceTokenCreate", "duration"),
        "When left out, Cloudflare uses `\"8760h\"`."
    );
    assert_eq!(
        doc_of(&fields, "UserTokenCreate", "policies"),
        "A list of `TokenPolicy` values."
    );
    assert_eq!(
        doc_of(&fields, "AiSearchToken", "created_at"),
        "A date and time; set by Cloudflare, never sent."
    );
}

#[test]
fn every_query_parameter_has_a_doc_line() {
    let fields = fields("generated/src/methods");
    assert_eq!(undocumented(&fields), Vec::<String>::new());
    assert_eq!(
        doc_of(&fields, "UserTokensListQuery", "per_page"),
        "How many items a page holds (at most 50)."
    );
    assert_eq!(
        doc_of(&fields, "UserTokensListQuery", "include_expired"),
        "Sent as the `include_expired` query parameter. `true` or `false`; defaults to `false`."
    );
}
