from modeltranslation.translator import TranslationOptions, register

from .models import Asset


@register(Asset)
class AssetTranslationOptions(TranslationOptions):
    fields = ("alt_text", "title")
