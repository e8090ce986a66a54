-- The old backend's schema (NING3739/blogbackendserver, app/models/, as SQLModel/Alembic create it on
-- MySQL): enumerations are ENUM columns holding member names, booleans TINYINT(1), money FLOAT,
-- rich text JSON. See ../../../../shared/reference/seed-schema.md (kept with the project's references).

CREATE TABLE users (
  id INT AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(30) NULL UNIQUE,
  email VARCHAR(100) NOT NULL UNIQUE,
  password_hash VARCHAR(255) NULL,
  role ENUM('user', 'admin') NOT NULL,
  bio VARCHAR(300) NULL,
  ip_address VARCHAR(45) NULL,
  longitude FLOAT NULL,
  latitude FLOAT NULL,
  city VARCHAR(50) NULL,
  is_active TINYINT(1) NOT NULL,
  is_verified TINYINT(1) NOT NULL,
  is_deleted TINYINT(1) NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL
);

CREATE TABLE tokens (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  jit VARCHAR(64) NOT NULL UNIQUE,
  type ENUM('access', 'refresh') NOT NULL,
  token VARCHAR(1024) NOT NULL,
  is_active TINYINT(1) NOT NULL,
  created_at DATETIME NOT NULL,
  expired_at DATETIME NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id)
);

CREATE TABLE codes (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  type ENUM('verified', 'reset') NOT NULL,
  code VARCHAR(10) NOT NULL UNIQUE,
  is_used TINYINT(1) NOT NULL,
  created_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id)
);

CREATE TABLE social_accounts (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  provider ENUM('google', 'github') NOT NULL,
  provider_user_id VARCHAR(100) NOT NULL UNIQUE,
  created_at DATETIME NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id)
);

CREATE TABLE media (
  id INT AUTO_INCREMENT PRIMARY KEY,
  uuid VARCHAR(36) NOT NULL UNIQUE,
  user_id INT NOT NULL,
  type ENUM('image', 'video', 'audio', 'document', 'other') NOT NULL,
  is_avatar TINYINT(1) NOT NULL,
  is_content_audio TINYINT(1) NOT NULL,
  file_name VARCHAR(200) NOT NULL,
  original_filepath_url VARCHAR(500) NOT NULL,
  thumbnail_filepath_url VARCHAR(500) NULL,
  watermark_filepath_url VARCHAR(500) NULL,
  file_size INT NOT NULL,
  created_at DATETIME NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id)
);

CREATE TABLE seo (
  id INT AUTO_INCREMENT PRIMARY KEY,
  chinese_title VARCHAR(100) NOT NULL UNIQUE,
  english_title VARCHAR(100) NULL,
  chinese_description VARCHAR(200) NULL,
  english_description VARCHAR(200) NULL,
  chinese_keywords VARCHAR(200) NULL,
  english_keywords VARCHAR(200) NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL
);

CREATE TABLE sections (
  id INT AUTO_INCREMENT PRIMARY KEY,
  seo_id INT NULL,
  type ENUM('blog', 'project', 'board', 'friend', 'about') NOT NULL,
  slug VARCHAR(100) NOT NULL UNIQUE,
  chinese_title VARCHAR(100) NOT NULL UNIQUE,
  english_title VARCHAR(100) NULL,
  chinese_description VARCHAR(200) NULL,
  english_description VARCHAR(200) NULL,
  is_active TINYINT(1) NOT NULL,
  parent_id INT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (seo_id) REFERENCES seo (id)
);

CREATE TABLE tags (
  id INT AUTO_INCREMENT PRIMARY KEY,
  chinese_title VARCHAR(50) NOT NULL UNIQUE,
  english_title VARCHAR(50) NOT NULL,
  slug VARCHAR(50) NOT NULL UNIQUE,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL
);

CREATE TABLE blogs (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NULL,
  section_id INT NOT NULL,
  seo_id INT NULL,
  cover_id INT NULL,
  slug VARCHAR(255) NULL UNIQUE,
  chinese_title VARCHAR(200) NOT NULL,
  english_title VARCHAR(200) NULL,
  chinese_description VARCHAR(500) NULL,
  english_description VARCHAR(500) NULL,
  chinese_content JSON NOT NULL,
  english_content JSON NULL,
  content_hash VARCHAR(64) NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (user_id) REFERENCES users (id),
  FOREIGN KEY (section_id) REFERENCES sections (id),
  FOREIGN KEY (seo_id) REFERENCES seo (id),
  FOREIGN KEY (cover_id) REFERENCES media (id)
);

CREATE TABLE blog_status (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NULL,
  blog_id INT NOT NULL UNIQUE,
  is_published TINYINT(1) NOT NULL,
  is_archived TINYINT(1) NOT NULL,
  is_featured TINYINT(1) NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (blog_id) REFERENCES blogs (id)
);

CREATE TABLE blog_stats (
  id INT AUTO_INCREMENT PRIMARY KEY,
  blog_id INT NOT NULL UNIQUE,
  views INT NOT NULL,
  likes INT NOT NULL,
  comments INT NOT NULL,
  saves INT NOT NULL,
  FOREIGN KEY (blog_id) REFERENCES blogs (id)
);

CREATE TABLE blog_comment (
  id INT AUTO_INCREMENT PRIMARY KEY,
  blog_id INT NOT NULL,
  user_id INT NOT NULL,
  comment VARCHAR(255) NOT NULL,
  is_deleted TINYINT(1) NOT NULL,
  parent_id INT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (blog_id) REFERENCES blogs (id),
  FOREIGN KEY (user_id) REFERENCES users (id),
  FOREIGN KEY (parent_id) REFERENCES blog_comment (id)
);

CREATE TABLE saved_blog (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  blog_id INT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (user_id) REFERENCES users (id),
  FOREIGN KEY (blog_id) REFERENCES blogs (id)
);

CREATE TABLE blog_tag (
  id INT AUTO_INCREMENT PRIMARY KEY,
  blog_id INT NOT NULL,
  tag_id INT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (blog_id) REFERENCES blogs (id),
  FOREIGN KEY (tag_id) REFERENCES tags (id)
);

CREATE TABLE blog_summary (
  id INT AUTO_INCREMENT PRIMARY KEY,
  blog_id INT NOT NULL UNIQUE,
  chinese_summary JSON NOT NULL,
  english_summary JSON NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (blog_id) REFERENCES blogs (id)
);

CREATE TABLE blog_tts (
  id INT AUTO_INCREMENT PRIMARY KEY,
  blog_id INT NOT NULL,
  chinese_tts_id INT NULL,
  english_tts_id INT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (blog_id) REFERENCES blogs (id),
  FOREIGN KEY (chinese_tts_id) REFERENCES media (id),
  FOREIGN KEY (english_tts_id) REFERENCES media (id)
);

CREATE TABLE boards (
  id INT AUTO_INCREMENT PRIMARY KEY,
  section_id INT NOT NULL,
  chinese_title VARCHAR(100) NOT NULL UNIQUE,
  english_title VARCHAR(100) NULL,
  chinese_description VARCHAR(200) NULL,
  english_description VARCHAR(200) NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (section_id) REFERENCES sections (id)
);

CREATE TABLE board_comments (
  id INT AUTO_INCREMENT PRIMARY KEY,
  board_id INT NOT NULL,
  user_id INT NOT NULL,
  parent_id INT NULL,
  is_deleted TINYINT(1) NOT NULL,
  comment VARCHAR(500) NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (board_id) REFERENCES boards (id),
  FOREIGN KEY (user_id) REFERENCES users (id),
  FOREIGN KEY (parent_id) REFERENCES board_comments (id)
);

CREATE TABLE friends (
  id INT AUTO_INCREMENT PRIMARY KEY,
  section_id INT NOT NULL,
  chinese_title VARCHAR(100) NOT NULL UNIQUE,
  english_title VARCHAR(100) NULL,
  chinese_description VARCHAR(200) NULL,
  english_description VARCHAR(200) NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (section_id) REFERENCES sections (id)
);

CREATE TABLE friend_lists (
  id INT AUTO_INCREMENT PRIMARY KEY,
  friend_id INT NOT NULL,
  user_id INT NOT NULL,
  type ENUM('featured', 'normal', 'hidden') NOT NULL,
  logo_url VARCHAR(500) NOT NULL,
  site_url VARCHAR(500) NOT NULL,
  chinese_title VARCHAR(100) NOT NULL,
  english_title VARCHAR(100) NULL,
  chinese_description VARCHAR(200) NOT NULL,
  english_description VARCHAR(200) NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (friend_id) REFERENCES friends (id),
  FOREIGN KEY (user_id) REFERENCES users (id)
);

CREATE TABLE taxes (
  id INT AUTO_INCREMENT PRIMARY KEY,
  tax_name VARCHAR(100) NOT NULL UNIQUE,
  tax_rate FLOAT NOT NULL,
  is_active TINYINT(1) NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL
);

CREATE TABLE projects (
  id INT AUTO_INCREMENT PRIMARY KEY,
  type ENUM('web', 'mobile', 'desktop', 'other') NOT NULL,
  section_id INT NULL,
  seo_id INT NULL,
  cover_id INT NULL,
  is_published TINYINT(1) NOT NULL,
  chinese_title VARCHAR(200) NOT NULL UNIQUE,
  english_title VARCHAR(200) NULL,
  slug VARCHAR(300) NOT NULL UNIQUE,
  chinese_description VARCHAR(300) NOT NULL,
  english_description VARCHAR(300) NULL,
  chinese_content JSON NOT NULL,
  english_content JSON NULL,
  content_hash VARCHAR(64) NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (section_id) REFERENCES sections (id),
  FOREIGN KEY (seo_id) REFERENCES seo (id),
  FOREIGN KEY (cover_id) REFERENCES media (id)
);

CREATE TABLE project_attachments (
  id INT AUTO_INCREMENT PRIMARY KEY,
  project_id INT NOT NULL,
  attachment_id INT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (project_id) REFERENCES projects (id),
  FOREIGN KEY (attachment_id) REFERENCES media (id)
);

CREATE TABLE project_monetizations (
  id INT AUTO_INCREMENT PRIMARY KEY,
  project_id INT NOT NULL,
  tax_id INT NULL,
  price FLOAT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NULL,
  FOREIGN KEY (project_id) REFERENCES projects (id),
  FOREIGN KEY (tax_id) REFERENCES taxes (id)
);

CREATE TABLE payment_records (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NULL,
  project_id INT NULL,
  tax_name VARCHAR(100) NULL,
  tax_rate FLOAT NULL,
  tax_amount FLOAT NULL,
  order_number VARCHAR(64) NOT NULL UNIQUE,
  payment_type ENUM('card', 'link', 'klarna', 'afterpay_clearpay', 'alipay') NOT NULL,
  amount FLOAT NOT NULL,
  payment_status ENUM('cancel', 'success', 'failed') NOT NULL,
  created_at DATETIME NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id),
  FOREIGN KEY (project_id) REFERENCES projects (id)
);

CREATE TABLE subscriber (
  id INT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL UNIQUE,
  is_active TINYINT(1) NOT NULL,
  subscribed_at DATETIME NOT NULL,
  unsubscribed_at DATETIME NULL,
  send_count INT NOT NULL,
  send_at DATETIME NULL
);
