"""target-tracker: quantitative targets in Chinese local-government documents, as one tidy,
traceable table.

>>> import tracker
>>> df = tracker.extract_text("启动旧住房成套改造8.07万平方米。", doc_id="demo")
>>> row = df.iloc[0]
>>> row.surface, float(row.value_norm), row.unit_norm, row.quantity
('8.07万平方米', 80700.0, '平方米', 'area')
"""
from .document import Document, DocumentError
from .model import COLUMNS
from .pipeline import Extraction, extract_bytes, extract_paths, extract_text, read_document

__version__ = "0.1.0"

__all__ = [
    "COLUMNS", "Document", "DocumentError", "Extraction", "extract_bytes", "extract_paths",
    "extract_text", "read_document", "__version__",
]
