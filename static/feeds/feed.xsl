<?xml version="1.0" encoding="utf-8"?>
<!-- Inkwell: how an RSS 2.0 or Atom feed looks when opened in a browser (feed readers ignore this).
     Referenced by an <?xml-stylesheet?> instruction in every feed (apps/blog/feeds.py); the feed stays
     plain, valid RSS/Atom. Interface text in English or Chinese, from the feed's own language. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" version="5.0" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>
  <xsl:variable name="lang">
    <xsl:choose>
      <xsl:when test="/rss/channel/language"><xsl:value-of select="/rss/channel/language"/></xsl:when>
      <xsl:when test="/atom:feed/@xml:lang"><xsl:value-of select="/atom:feed/@xml:lang"/></xsl:when>
      <xsl:otherwise>en</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="zh" select="starts-with($lang, 'zh')"/>
  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:variable name="site" select="/rss/channel/link | /atom:feed/atom:link[not(@rel) or @rel='alternate']/@href"/>
  <xsl:template match="/">
    <html lang="{$lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/></title>
        <link rel="stylesheet" href="/static/css/site.css"/>
      </head>
      <body>
        <header class="site-header">
          <div class="wrap header-inner">
            <a class="brand" href="{$site}"><xsl:value-of select="$title"/></a>
          </div>
        </header>
        <main class="wrap">
          <div class="notice feed-notice">
            <p><strong>
              <xsl:choose>
                <xsl:when test="$zh">这是一个订阅源（RSS/Atom）。</xsl:when>
                <xsl:otherwise>This is a web feed (RSS/Atom).</xsl:otherwise>
              </xsl:choose>
            </strong>
            <xsl:text> </xsl:text>
            <xsl:choose>
              <xsl:when test="$zh">把这个页面的网址复制到你的阅读器里，就能收到新文章。</xsl:when>
              <xsl:otherwise>Copy this page's address into your feed reader to get new posts as they come out.</xsl:otherwise>
            </xsl:choose></p>
          </div>
          <h1 class="page-title"><xsl:value-of select="$title"/></h1>
          <p class="lede"><xsl:value-of select="/rss/channel/description | /atom:feed/atom:subtitle"/></p>
          <p><a href="{$site}">
            <xsl:choose>
              <xsl:when test="$zh">访问网站 →</xsl:when>
              <xsl:otherwise>Visit the website →</xsl:otherwise>
            </xsl:choose>
          </a></p>
          <h2 class="section-label">
            <xsl:choose>
              <xsl:when test="$zh">最新文章</xsl:when>
              <xsl:otherwise>Latest posts</xsl:otherwise>
            </xsl:choose>
          </h2>
          <ul class="archive-posts feed-items">
            <xsl:for-each select="/rss/channel/item">
              <li><a href="{link}"><xsl:value-of select="title"/></a>
                <span class="muted"><xsl:text> </xsl:text><xsl:value-of select="substring(pubDate, 6, 11)"/></span></li>
            </xsl:for-each>
            <xsl:for-each select="/atom:feed/atom:entry">
              <li><a href="{atom:link[not(@rel) or @rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
                <span class="muted"><xsl:text> </xsl:text><xsl:value-of select="substring(atom:updated, 1, 10)"/></span></li>
            </xsl:for-each>
          </ul>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
