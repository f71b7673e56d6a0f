//! The limits of what the trimmer reads and does: the size of its input (as a file, once
//! decompressed, once YAML aliases are expanded) and `$ref` fan-out (each schema is converted
//! once, however many paths lead to it).

use std::ffi::OsString;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use serde_json::{Value, json};
use xtask::load::{self, DEFAULT_MAX_INPUT_BYTES, Limits};

use crate::alloc_meter::peak_of;
use crate::bad_input::trim_fails;
use crate::common::fixture;

const MIB: u64 = 1 << 20;

// ---------------------------------------------------------------------------------------------
// `$ref` fan-out

#[test]
fn a_ref_diamond_chain_of_depth_30_trims_to_one_model_per_level() {
    // 2^30 paths lead from `widget` to the last schema: without reusing conversions this
    // never finishes (depth 18 took 18 s, depth 22 ran out of memory).
    let depth = xtask::bench::DIAMOND_DEPTH;
    assert_eq!(depth, 30);
    let text = std::fs::read_to_string(fixture("upstream.json")).unwrap();
    let base: Value = serde_json::from_str(&text).unwrap();
    let doc = load::Document {
        file: "diamond.json".into(),
        root: xtask::bench::ref_diamond(&base, depth),
    };
    let overlay = xtask::overlay::Overlay::load(&fixture("overlay.toml")).unwrap();
    let trimmed = xtask::trim::trim(&doc, &overlay, Default::default()).unwrap();
    let schemas = trimmed.spec["components"]["schemas"].as_object().unwrap();

    assert_eq!(
        schemas["Widget"]["properties"]["tree"],
        json!({ "$ref": "#/components/schemas/WidgetTree" })
    );
    // Level by level, `left` and `right` are one model, named after the first path to it.
    let mut name = "WidgetTree".to_string();
    for _ in 0..depth {
        let next = format!("{name}Left");
        let reference = json!({ "$ref": format!("#/components/schemas/{next}") });
        assert_eq!(
            schemas[&name]["properties"],
            json!({ "left": reference, "right": reference }),
            "{name}"
        );
        name = next;
    }
    assert_eq!(
        schemas[&name]["properties"],
        json!({ "leaf": { "type": "string" } })
    );
    let tree_models: Vec<&String> = schemas
        .keys()
        .filter(|k| k.starts_with("WidgetTree"))
        .collect();
    assert_eq!(tree_models.len(), depth + 1, "{tree_models:?}");
}

#[test]
fn a_small_ref_diamond_trims_as_without_reuse() {
    // At depth 2 the paths can be counted: what deduplication of all of them would leave is one
    // model per level, each with both properties on the model of the next level.
    let text = std::fs::read_to_string(fixture("upstream.json")).unwrap();
    let base: Value = serde_json::from_str(&text).unwrap();
    let doc = load::Document {
        file: "diamond.json".into(),
        root: xtask::bench::ref_diamond(&base, 2),
    };
    let overlay = xtask::overlay::Overlay::load(&fixture("overlay.toml")).unwrap();
    let trimmed = xtask::trim::trim(&doc, &overlay, Default::default()).unwrap();
    let schemas = &trimmed.spec["components"]["schemas"];
    let reference = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    assert_eq!(
        schemas["WidgetTree"],
        json!({
            "type": "object",
            "description": "The `tree` field of [`Widget`].",
            "properties": { "left": reference("WidgetTreeLeft"), "right": reference("WidgetTreeLeft") },
        })
    );
    assert_eq!(
        schemas["WidgetTreeLeft"],
        json!({
            "type": "object",
            "description": "The `left` field of [`WidgetTree`].",
            "properties": {
                "left": reference("WidgetTreeLeftLeft"),
                "right": reference("WidgetTreeLeftLeft"),
            },
        })
    );
    assert_eq!(
        schemas["WidgetTreeLeftLeft"],
        json!({
            "type": "object",
            "description": "The `left` field of [`WidgetTreeLeft`].",
            "properties": { "leaf": { "type": "string" } },
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Input size

#[test]
fn a_file_over_the_limit_is_refused_naming_the_limit() {
    let file = fixture("upstream.json");
    let size = std::fs::metadata(&file).unwrap().len();
    let exactly = Limits {
        max_input_bytes: size,
    };
    assert!(load::load_with(&file, exactly).is_ok());
    let short = Limits {
        max_input_bytes: size - 1,
    };
    let err = load::load_with(&file, short).err().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: the file holds more than the input limit of {} bytes; a larger limit can be set with --max-input-mib",
            file.display(),
            size - 1
        )
    );

    // The command line takes the limit in MiB.
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<OsString> = vec![
        "xtask".into(),
        "trim".into(),
        "--upstream".into(),
        file.clone().into(),
        "--out".into(),
        dir.path().into(),
        "--overlay".into(),
        fixture("overlay.toml").into(),
        "--max-input-mib".into(),
        "0".into(),
    ];
    let mut out = Vec::new();
    let mut stderr = Vec::new();
    assert_eq!(xtask::cli::run(args, &mut out, &mut stderr), 1);
    assert_eq!(
        String::from_utf8(stderr).unwrap(),
        format!(
            "xtask: error: {}: the file holds more than the input limit of 0 bytes; a larger limit can be set with --max-input-mib\n",
            file.display()
        )
    );
    assert!(!dir.path().join("openapi.json").exists());
}

#[test]
fn gzip_that_decompresses_over_the_limit_is_refused() {
    let text = std::fs::read(fixture("upstream.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("upstream.json.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&text).unwrap();
    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
    let compressed = std::fs::metadata(&gz).unwrap().len();
    let limit = text.len() as u64 - 1;
    assert!(compressed < limit);
    let err = load::load_with(
        &gz,
        Limits {
            max_input_bytes: limit,
        },
    )
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: it decompresses to more than the input limit of {limit} bytes; a larger limit can be set with --max-input-mib",
            gz.display()
        )
    );
    let exactly = Limits {
        max_input_bytes: text.len() as u64,
    };
    assert!(load::load_with(&gz, exactly).is_ok());
}

/// The CRC-32 of `len` zero bytes, without reading them: the register's change over one zero
/// bit is linear, so its power for `8 * len` bits is found by squaring.
fn crc32_of_zeros(len: u64) -> u32 {
    fn apply(operator: &[u32; 32], mut vector: u32) -> u32 {
        let mut sum = 0;
        let mut i = 0;
        while vector != 0 {
            if vector & 1 != 0 {
                sum ^= operator[i];
            }
            vector >>= 1;
            i += 1;
        }
        sum
    }
    fn square(operator: &[u32; 32]) -> [u32; 32] {
        let mut out = [0; 32];
        for (column, image) in out.iter_mut().zip(operator) {
            *column = apply(operator, *image);
        }
        out
    }
    // One zero bit: shift right, and add the polynomial when the bit shifted out was set.
    let mut operator = [0u32; 32];
    operator[0] = 0xEDB8_8320;
    for (n, column) in operator.iter_mut().enumerate().skip(1) {
        *column = 1 << (n - 1);
    }
    for _ in 0..3 {
        operator = square(&operator);
    }
    let mut register = !0u32;
    let mut len = len;
    while len != 0 {
        if len & 1 != 0 {
            register = apply(&operator, register);
        }
        operator = square(&operator);
        len >>= 1;
    }
    !register
}

/// Deflate's bits, least significant first.
struct Bits<W: Write> {
    out: W,
    pending: u64,
    count: u32,
}

impl<W: Write> Bits<W> {
    fn put(&mut self, value: u64, bits: u32) {
        self.pending |= value << self.count;
        self.count += bits;
        while self.count >= 8 {
            self.out.write_all(&[self.pending as u8]).unwrap();
            self.pending >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code: deflate sends them most significant bit first.
    fn code(&mut self, code: u64, bits: u32) {
        self.put(code.reverse_bits() >> (64 - bits), bits);
    }

    fn finish(mut self) -> W {
        if self.count > 0 {
            self.put(0, 8 - self.count);
        }
        self.out
    }
}

/// Writes, as it makes it, a gzip file that decompresses to `1 + 258 * copies` zero bytes: one
/// deflate block with fixed codes holding a literal zero and then `copies` times "258 bytes
/// from 1 back" (13 bits each). Returns the decompressed size.
fn write_zero_bomb(path: &Path, copies: u64) -> u64 {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255])
        .unwrap();
    let mut bits = Bits {
        out,
        pending: 0,
        count: 0,
    };
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed Huffman codes
    bits.code(0b0011_0000, 8); // literal 0
    for _ in 0..copies {
        bits.code(0b1100_0101, 8); // length 258 (symbol 285)
        bits.code(0, 5); // distance 1 (code 0)
    }
    bits.code(0, 7); // end of block
    let mut out = bits.finish();
    let size = 1 + 258 * copies;
    out.write_all(&crc32_of_zeros(size).to_le_bytes()).unwrap();
    out.write_all(&(size as u32).to_le_bytes()).unwrap();
    out.flush().unwrap();
    size
}

#[test]
fn the_bomb_helper_writes_valid_gzip() {
    // The helpers are part of the test: check them where everything can be decompressed.
    let mut crc = flate2::Crc::new();
    crc.update(&vec![0; 100_003]);
    assert_eq!(crc32_of_zeros(100_003), crc.sum());
    assert_eq!(crc32_of_zeros(0), 0);
    let dir = tempfile::tempdir().unwrap();
    for copies in [0, 1, 7, 8, 1000] {
        let path = dir.path().join(format!("{copies}.gz"));
        let size = write_zero_bomb(&path, copies);
        let mut data = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
            .read_to_end(&mut data)
            .unwrap_or_else(|e| panic!("{copies}: {e}"));
        assert_eq!(data.len() as u64, size);
        assert!(data.iter().all(|&b| b == 0));
    }
}

#[test]
fn a_gzip_bomb_is_refused_at_the_limit_without_being_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.json.gz");
    // 10 GB of zeros in 63 MB.
    let size = write_zero_bomb(&bomb, 38_759_690);
    assert!(size > 10_000_000_000, "{size}");
    let compressed = std::fs::metadata(&bomb).unwrap().len();
    assert!(compressed < 64 * MIB, "{compressed}");

    let (result, peak) = peak_of(|| load::load(&bomb));
    let err = result.err().expect("the bomb is refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: it decompresses to more than the input limit of 128 MiB; a larger limit can be set with --max-input-mib",
            bomb.display()
        )
    );
    // The compressed file, and what was decompressed up to the limit: no more.
    assert!(
        peak <= compressed + DEFAULT_MAX_INPUT_BYTES + MIB,
        "{peak} bytes allocated at the peak"
    );
}

// ---------------------------------------------------------------------------------------------
// YAML aliases

#[test]
fn yaml_aliases_read_as_serde_yaml_reads_them() {
    let text = "\
openapi: 3.0.3
numbers: &numbers [1, -3, 1.5, 18446744073709551615, -9223372036854775808, .nan, 0x1f, 1e400]
others: &others {yes: true, no: false, none: null, tilde: ~, text: 'a: b', 200: two hundred}
again: [*numbers, *others]
";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aliases.yaml");
    std::fs::write(&file, text).unwrap();
    let doc = load::load(&file).unwrap();
    let expected: Value = serde_yaml_ng::from_str(text).unwrap();
    assert_eq!(doc.root, expected);
    assert_eq!(doc.root["again"][0], doc.root["numbers"]);
    assert_eq!(doc.root["again"][1]["200"], "two hundred");
}

#[test]
fn yaml_alias_bombs_are_refused_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = fixture("overlay.toml");

    // An alias to a 1 MiB string, used 200 times: 200 MiB once expanded.
    let big = dir.path().join("big.yaml");
    let mut text = format!(
        "openapi: 3.0.3\nbig: &big \"{}\"\ncopies:\n",
        "a".repeat(MIB as usize)
    );
    for _ in 0..200 {
        text.push_str("  - *big\n");
    }
    std::fs::write(&big, &text).unwrap();
    let (failure, peak) = peak_of(|| trim_fails(&big, &overlay));
    assert_eq!(
        failure.err,
        format!(
            "xtask: error: {}: invalid YAML: its aliases expand it to more than the input limit of 128 MiB (as JSON); \
             a larger limit can be set with --max-input-mib\n",
            big.display()
        )
    );
    assert!(
        peak <= DEFAULT_MAX_INPUT_BYTES + 16 * MIB,
        "{peak} bytes allocated at the peak"
    );

    // Billion laughs: nine levels of nine aliases each to the level below.
    let laughs = dir.path().join("laughs.yaml");
    let mut text = String::from("openapi: 3.0.3\nlol0: &lol0 lol\n");
    for level in 1..=9 {
        let below = vec![format!("*lol{}", level - 1); 9].join(", ");
        text.push_str(&format!("lol{level}: &lol{level} [{below}]\n"));
    }
    std::fs::write(&laughs, &text).unwrap();
    let failure = trim_fails(&laughs, &overlay);
    assert_eq!(
        failure.err,
        format!(
            "xtask: error: {}: invalid YAML: its aliases are expanded more than 100 times per event of the document, \
             the most the YAML reader allows\n",
            laughs.display()
        )
    );
}
