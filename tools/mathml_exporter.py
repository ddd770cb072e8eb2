"""nbconvert's HTML exporter, with the notebooks' LaTeX math as MathML.

`make html` uses it: the formulas are converted once, at build time, and
browsers draw MathML themselves, so the page stays one file that needs
no MathJax, no script and nothing from the web.
"""
from jinja2 import pass_context
from latex2mathml.converter import convert
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import (IPythonRenderer,
                                                MarkdownWithMath)


class MathMLRenderer(IPythonRenderer):
    """Markdown cells to HTML, with `$...$` and `$$...$$` as MathML."""

    def inline_math(self, body):
        return convert(body)

    def block_math(self, body):
        return convert(body, display='block')

    def latex_environment(self, name, body):
        return convert(f'\\begin{{{name}}}{body}\\end{{{name}}}',
                       display='block')


class MathMLHTMLExporter(HTMLExporter):
    """HTMLExporter whose markdown2html filter writes MathML."""

    @pass_context
    def markdown2html(self, context, source):
        # As HTMLExporter.markdown2html, with the renderer above.
        cell = context.get('cell', {})
        renderer = MathMLRenderer(
            escape=False,
            attachments=cell.get('attachments', {}),
            embed_images=self.embed_images,
            path=context.get('resources', {}).get('metadata', {}).get(
                'path', ''),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options,
        )
        return MarkdownWithMath(renderer=renderer).render(source)
