#!/usr/bin/env bash
# Installs the Debian packages the project uses when they are missing and we may install them:
# tesseract-ocr with the packs of the UN's six languages (OCR of scanned PDFs, each page in its
# own language) and poppler-utils (pdftoppm, to rasterise pages for OCR);
# with --test also chromium (the web chat's browser tests) and LibreOffice Writer (a brief
# rendered to PDF in a test), cmake and g++ to build llama.cpp for the llm tests, and the
# PostgreSQL server (the tests start a throwaway cluster for RAG_DATABASE_URL).
# Without root (or apt) it only says what is missing: the project still works, scanned PDFs are
# reported as needing OCR instead of being OCRed, and the tests that need a missing one skip.
set -euo pipefail
missing=()
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr tesseract-ocr-eng)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# OCR in the language of the page: the UN's other five official languages; and the orientation
# data (osd) that turns a page scanned sideways upright (Debian's tesseract-ocr depends on it)
for pack in ara chi_sim fra rus spa osd; do
  [ -e "/usr/share/tesseract-ocr/5/tessdata/$pack.traineddata" ] || \
    [ -e "/usr/share/tesseract-ocr/4.00/tessdata/$pack.traineddata" ] || \
    missing+=("tesseract-ocr-${pack//_/-}")
done
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui fonts-dejavu-core)
  # building llama-cpp-python for the llm tests (scripts/setup-llm.sh)
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || \
    echo "warning: could not install ${missing[*]}; scanned PDFs will be reported as needing OCR and the tests that need them skip" >&2
else
  echo "note: ${missing[*]} not installed; scanned PDFs are reported as needing OCR, tests needing them skip." >&2
  echo "      install them with: sudo apt-get install ${missing[*]}" >&2
fi
