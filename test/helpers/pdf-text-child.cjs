// The text of a PDF read from stdin, printed as JSON: pdf-parse (pdf.js) loads ES modules, which jest's CommonJS
// runtime cannot, so tests run this in a child process (test/helpers/pdf-text.ts).
const { PDFParse } = require('pdf-parse');

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  try {
    const result = await parser.getText();
    const info = await parser.getInfo();
    process.stdout.write(JSON.stringify({ text: result.text, pages: result.total, title: info.info?.Title ?? null }));
  } finally {
    await parser.destroy();
  }
});
