/*!40101 SET NAMES utf8mb4 */;

CREATE TABLE `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL DEFAULT '',
  `fname` varchar(255) NOT NULL DEFAULT '',
  `mname` varchar(255) NOT NULL DEFAULT '',
  `lname` varchar(255) NOT NULL DEFAULT '',
  `suffix` varchar(50) NOT NULL DEFAULT '',
  `dob` date NOT NULL DEFAULT '0000-00-00',
  `ttpadmin` tinyint(1) NOT NULL DEFAULT 0,
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `locked` tinyint(1) NOT NULL DEFAULT 0,
  `assurer` int(2) NOT NULL DEFAULT 0,
  `assurer_blocked` tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `users` WRITE;
INSERT INTO `users` VALUES (1,'a@example.org','Anna','','O\'Brien','','1970-01-01',0,'0000-00-00 00:00:00',0,1,0);
UNLOCK TABLES;

CREATE TABLE `cats_variant` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `type_id` int(11) NOT NULL,
  `name` varchar(255) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB;
LOCK TABLES `cats_variant` WRITE;
INSERT INTO `cats_variant` VALUES (1,1,'Assurer Challenge');
UNLOCK TABLES;

CREATE TABLE `cats_passed` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `user_id` int(11) NOT NULL,
  `variant_id` int(11) NOT NULL,
  `pass_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB;
LOCK TABLES `cats_passed` WRITE;
INSERT INTO `cats_passed` VALUES (1,1,1,'2009-01-01 10:00:00');
UNLOCK TABLES;

CREATE TABLE `notary` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `from` int(11) NOT NULL DEFAULT 0,
  `to` int(11) NOT NULL DEFAULT 0,
  `awarded` int(3) NOT NULL DEFAULT 0,
  `points` int(3) NOT NULL DEFAULT 0,
  `method` enum('Face to Face Meeting','Trusted Third Parties','TOPUP') NOT NULL DEFAULT 'Face to Face Meeting',
  `location` varchar(255) NOT NULL DEFAULT '',
  `date` varchar(255) NOT NULL DEFAULT '',
  `when` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `expire` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `sponsor` int(11) NOT NULL DEFAULT 0,
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB;
LOCK TABLES `notary` WRITE;
INSERT INTO `notary` VALUES (10,1,2,0,0,'Face to Face Meeting','Paris','2005-06-12','2005-06-13 10:00:00','0000-00-00 00:00:00',0,'0000-00-00 00:00:00');
UNLOCK TABLES;

