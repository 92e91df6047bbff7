// Renders Mermaid diagrams in a real browser with the Mermaid that @mermaid-js/mermaid-cli ships, the way the CLI
// does (its page, its mermaid.js, mermaid.render), but in one page for all diagrams: the CLI opens a page per
// diagram (its Markdown mode opens them all at once, one renderer process each), which costs seconds per diagram.
// Run from a folder whose node_modules holds the CLI (the test links it beside a copy of this file).
// Usage: node render.mjs PUPPETEER_CONFIG.json DIAGRAMS.json
// Prints one JSON line per diagram: {"index": i, "ok": true, "text": "..."} or {"index": i, "ok": false, "error": "..."}.
import fs from 'fs'
import path from 'path'
import url from 'url'
import puppeteer from 'puppeteer'

const [configPath, diagramsPath] = process.argv.slice(2)
const modules = path.join(path.dirname(url.fileURLToPath(import.meta.url)), 'node_modules')
const cliPage = path.join(modules, '@mermaid-js', 'mermaid-cli', 'dist', 'index.html')
const mermaidJs = path.join(modules, 'mermaid', 'dist', 'mermaid.js')
const diagrams = JSON.parse(fs.readFileSync(diagramsPath, 'utf8'))
const browser = await puppeteer.launch(JSON.parse(fs.readFileSync(configPath, 'utf8')))
try {
  const page = await browser.newPage()
  await page.goto(url.pathToFileURL(cliPage).href)
  await page.addScriptTag({ path: mermaidJs })
  for (const [index, definition] of diagrams.entries()) {
    const result = await page.$eval('#container', async (container, definition, index) => {
      const { mermaid } = globalThis
      mermaid.initialize({ startOnLoad: false })
      try {
        const { svg } = await mermaid.render(`d${index}`, definition, container)
        if (!svg.includes('<svg') || svg.includes('Syntax error in text')) return { ok: false, error: 'no diagram' }
        container.innerHTML = svg
        return { ok: true, text: container.textContent }  // the labels as shown, entity codes decoded
      } catch (err) {
        return { ok: false, error: String((err && err.message) || err) }
      }
    }, definition, index)
    console.log(JSON.stringify({ index, ...result }))
  }
} finally {
  await browser.close()
}
